# Sourced by scripts/run.sh, test.sh and build-wheel.sh (not run alone): the
# compiler cache shared by every build of this machine, whatever folder the
# clone is in.
#
# ccache keeps its objects under ${XDG_CACHE_HOME:-$HOME/.cache}/ccache. Paths
# below the clone are hashed relative to the build folder (base_dir) and the
# build folder itself is left out of the hash (hash_dir), so a fresh clone in
# another folder, a second preset at the same depth (build/<preset>) and the
# wheel's build (build/wheel-*) hit what another build compiled with the
# same flags. CMake reads CMAKE_<LANG>_COMPILER_LAUNCHER from the environment
# when it configures a new build folder, scikit-build-core's included.
# IMAGEBANK_NO_CCACHE=1 turns it off.
if [ "${IMAGEBANK_NO_CCACHE:-0}" != 1 ] && command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}"
  export CCACHE_BASEDIR="$repo"
  export CCACHE_NOHASHDIR=1
  # What ccache needs to cache GCC precompiled headers (the CLI's) and the
  # objects built with them.
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  # The builds CI makes (release, ci, asan, the wheel) take a few hundred MB.
  export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
  # One compiler name for every build: ccache keys on it, and CMake alone
  # picks c++ where scikit-build-core picks g++ (the same gcc).
  export CXX="${CXX:-g++}" CC="${CC:-gcc}"
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CMAKE_C_COMPILER_LAUNCHER=ccache
fi
