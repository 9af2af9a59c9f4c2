// The Files module (issue 7, in progress).
