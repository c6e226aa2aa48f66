#!/bin/bash -eu
# Builds qfc's Jazzer.js fuzz targets for OSS-Fuzz, and for ClusterFuzzLite through
# .clusterfuzzlite/build.sh. The builder runs this script in the image's WORKDIR, which is
# the repository root: that is how the script finds the repository, wherever the
# Dockerfile copied the script itself.
#
# For each target it writes, in $OUT:
#   <name>        the runner: compile_javascript_fuzzer's wrapper around the Jazzer.js CLI
#   <name>.dict   the qfilecopy wire-format dictionary, which OSS-Fuzz hands to libFuzzer
#                 for a target of the same name
#
# QFC_OSS_FUZZ_LOCAL_CHECK=1 builds nothing (no npm ci, no npm run build, no
# compile_javascript_fuzzer): it prints one line per target,
#   target <name> <absolute path of the compiled module> <entry point> [sync]
# so that test/harness/engines/oss-fuzz-targets.test.ts reads the targets through this
# script's own parsing and runs each one as OSS-Fuzz would.
set -euo pipefail

# The fuzz targets, and the only list of them. One line each:
#   TARGET <name> <compiled module, relative to the repository> <entry point> [sync]
# <name> is the fuzzer's name in OSS-Fuzz and ClusterFuzzLite. `sync` marks an entry point
# that returns nothing: Jazzer.js then calls it without awaiting, which is much faster; an
# async entry point must go without it, or its promise would be dropped unawaited.
targets() {
  cat <<'EOF'
TARGET spec dist/harness/engines/jazzer/spec-target.js fuzz sync
TARGET reference-pair dist/harness/engines/jazzer/reference-pair-target.js fuzz
EOF
}

repository=$PWD
local_check=${QFC_OSS_FUZZ_LOCAL_CHECK:-0}
if [[ ! -f "$repository/package.json" ]]; then
  echo "build.sh: run me from the repository root (the image's WORKDIR), not $repository" >&2
  exit 1
fi

if [[ "$local_check" != 1 ]]; then
  # Exactly the locked dependencies. @jazzer.js/core is one of them, and it must be: the
  # wrapper compile_javascript_fuzzer writes runs <project>/node_modules/@jazzer.js/core/dist/cli.js,
  # and the helper stopped installing Jazzer.js itself (google/oss-fuzz#10381).
  npm ci --no-audit --no-fund
  # npm ci already builds through `prepare`; building again here keeps the step explicit
  # and fails this script, not a later fuzzer start, when the TypeScript does not compile.
  npm run build
  # compile_javascript_fuzzer's first argument is the project's directory relative to $SRC.
  project=${repository#"$SRC"/}
  if [[ "$project" == "$repository" ]]; then
    echo "build.sh: the repository $repository is not under \$SRC ($SRC)" >&2
    exit 1
  fi
fi

write_dictionary() {
  node --input-type=module -e '
    const { writeProtocolDictionary } = await import(process.argv[1]);
    writeProtocolDictionary(process.argv[2]);
  ' "$repository/dist/harness/engines/jazzer/protocol-dictionary.js" "$1"
}

while read -r keyword name module entry mode extra; do
  if [[ "$keyword" != TARGET || ! "$name" =~ ^[a-z0-9-]+$ || -z "$module" || -z "$entry" || ( -n "$mode" && "$mode" != sync ) || -n "$extra" ]]; then
    echo "build.sh: bad target line: $keyword $name $module $entry $mode $extra" >&2
    exit 1
  fi
  if [[ "$local_check" == 1 ]]; then
    echo "target $name $repository/$module $entry${mode:+ $mode}"
    continue
  fi
  if [[ ! -f "$repository/$module" ]]; then
    echo "build.sh: $module was not built" >&2
    exit 1
  fi
  # compile_javascript_fuzzer <project dir under $SRC> <fuzz target file relative to the
  # project> [Jazzer.js CLI options...]: the options are written into the wrapper ahead of
  # its `--`, after which the runner's libFuzzer flags follow.
  jazzer_options=(
    # Name the entry point rather than rely on Jazzer.js's default (`fuzz`), so the TARGET
    # line is what decides which export is fuzzed.
    "--fuzz_entry_point=$entry"
  )
  # A synchronous entry point is called without awaiting (see the TARGET list above).
  if [[ "$mode" == sync ]]; then jazzer_options+=(--sync); fi
  compile_javascript_fuzzer "$project" "$module" "${jazzer_options[@]}"
  # The helper names the wrapper after the module's file; OSS-Fuzz knows the fuzzer by the
  # wrapper's file name, and the wrapper finds the project relative to its own directory,
  # so renaming it to the target's name is safe.
  wrapper=$(basename "$module" .js)
  if [[ "$wrapper" != "$name" ]]; then mv "$OUT/$wrapper" "$OUT/$name"; fi
  write_dictionary "$OUT/$name.dict"
done < <(targets)
