import Files
