#!/usr/bin/env bash
# Runs the Python adapter's own unittest suite on one discovered runtime, with that
# runtime's interpreter, adapter options and environment.
# Usage: run_adapter_unittest.sh AIOCONFORM_BINARY RUNTIME_NAME
# Exit 77 (skipped) when the runtime is not installed here.
set -euo pipefail
aioconform=$1
runtime=$2
here=$(cd "$(dirname "$0")" && pwd)
suite="$here/../adapters/python"

spec=$("$aioconform" runtimes --json | /usr/bin/env python3 -c '
import json, shlex, sys
name = sys.argv[1]
for r in json.load(sys.stdin)["runtimes"]:
    if r["name"] == name:
        env = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in sorted(r["env"].items()))
        print(shlex.quote(r["interpreter"]))
        print(shlex.quote(" ".join(r["options"])))
        print(env)
        break
' "$runtime")
if [ -z "$spec" ]; then
  echo "runtime $runtime is not installed here: skipped"
  exit 77
fi
interpreter=$(eval echo "$(sed -n 1p <<<"$spec")")
options=$(eval echo "$(sed -n 2p <<<"$spec")")
env_assignments=$(sed -n 3p <<<"$spec")
echo "running the adapter unittest on $runtime: $interpreter $options"
eval "exec env $env_assignments AIOCONFORM_ADAPTER_ARGS=\"\$options\" \"\$interpreter\" -m unittest discover -s \"\$suite\" -p 'test_*.py'"
