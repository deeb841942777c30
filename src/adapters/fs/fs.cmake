# The local-disk BlobStore adapter (POSIX; Linux for openat2 and
# copy_file_range, with fallbacks). No third-party libraries.
imagebank_add_module(adapters_fs DIR adapters/fs
  SOURCES
    adapters/fs/fs_blob_store.cpp
    adapters/fs/fs_list.cpp
    adapters/fs/fs_posix.cpp
  PUBLIC_DEPS imagebank::catalog)
