// The write-path types (`TableWriteMode`, `TableWriteConfiguration`, `TableWriteFailure`, `TableWriter`) are part of
// this module's API; re-export them so users need not import the internal `_TableWriting` target.
@_exported public import _TableWriting
