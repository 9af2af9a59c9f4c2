// The umbrella: one import for an application that wants StackKit's retrieval stack with its defaults.
@_exported public import Files
@_exported public import LocalEmbeddings
@_exported public import Memory
@_exported public import StorageRefs
@_exported public import VectorIO
@_exported public import SQLStore
@_exported public import VectorIOSQLite
