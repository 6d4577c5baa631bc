#!/bin/bash
# Data-parallel benchmark (docs/performance.md, "Data-parallel training"): longhand bench --threads 1 vs 2 and the PyTorch peer with 1 and 2 threads, alternated.
cd "$(dirname "$0")/.."
out=${1:-/tmp/longhand-parallel-bench.jsonl}
for round in 1 2; do
  # Enough timed steps for ~10 s per program: 20 steps understated the replicas (docs/performance.md).
  for cfg in "1 256 100" "2 256 50" "1 512 40" "2 512 20"; do
    set -- $cfg
    for t in 1 2; do
      echo "{\"round\":$round,\"who\":\"longhand\",\"t\":$t,\"layers\":$1,\"hidden\":$2,\"r\":$(node bin/longhand.mjs bench --layers $1 --hidden $2 --steps $3 --gen-tokens 50 --threads $t --json)}" >> $out
      echo "{\"round\":$round,\"who\":\"torch\",\"t\":$t,\"layers\":$1,\"hidden\":$2,\"r\":$(/usr/bin/python3 /work/shared/peer/torch_charlstm.py speed --threads $t --layers $1 --hidden $2 --steps $3 | tail -1)}" >> $out
    done
  done
done
for t in 1 2 1 2; do
  echo "{\"who\":\"seq2seq\",\"t\":$t,\"r\":$(npx tsx scripts/bench-seq2seq.ts speed --source 40 --target 40 --vocab 6000 --batch 32 --hidden 256 --embed 128 --no-copy --steps 3 --threads $t | tail -1)}" >> $out
done
echo done >> $out
