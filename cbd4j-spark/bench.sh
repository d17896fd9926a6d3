#!/usr/bin/env bash
# Audit throughput of cbd4j-spark (images/s): Fashion-MNIST's 60,000 training images as a PNG tree
# and as Parquet, scored by the Spark job in local[1] and local[2], against the single-process
# scorer (cbd audit --run) on the same PNG tree and on the IDX files. Trains nothing: it scores
# with the f_B and f_C of a finished Fashion-MNIST run. Not part of the tests; run it when nothing
# else uses the CPU (docs/RESULTS.md, "cbd audit on Spark").
#
#   cbd4j-spark/bench.sh RUN_DIR [FASHION_MNIST_DIR] [WORK_DIR]
#
# RUN_DIR: a finished `cbd train --dataset fashion-mnist --defense cbd` run (models/f_B, f_C).
# FASHION_MNIST_DIR: the IDX files (default /usr/share/datasets/fashion-mnist, Debian's package).
# WORK_DIR: where the PNG tree, the Parquet table and the outputs go (default /tmp/cbd4j-spark-bench;
# about 250 MB). Prints one line per measurement and writes WORK_DIR/bench.tsv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
run="$(cd "${1:?usage: bench.sh RUN_DIR [FASHION_MNIST_DIR] [WORK_DIR]}" && pwd)"
data="${2:-/usr/share/datasets/fashion-mnist}"
work="${3:-/tmp/cbd4j-spark-bench}"
mkdir -p "$work"

# What Spark 3.5 needs opened on Java 17 (bin/spark-submit adds the same by itself), from the pom.
opens="$(sed -n 's#.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*#\1#p' "$here/pom.xml")"
export SPARK_LOCAL_IP=127.0.0.1

echo "bench: building the job's jar and its Spark classpath" >&2
(cd "$root" && mvn -B -ntp -q -pl cbd4j-spark -am -DskipTests package dependency:build-classpath \
    -DincludeScope=compile -Dmdep.outputFile=target/spark-classpath.txt)
cp="$here/target/cbd4j-spark.jar:$(cat "$here/target/spark-classpath.txt")"
spark_java() { java -Xmx6g $opens -Dai.djl.offline=true -cp "$cp" "$@"; }

png="$work/fmnist-png"
if [ ! -d "$png/train" ]; then
  echo "bench: writing Fashion-MNIST as PNG files into $png" >&2
  "$root/cbd" poison --dataset fashion-mnist --data "$data" --format folder --out "$png" >&2
fi
table="$work/fmnist-train.parquet"
if [ ! -d "$table" ]; then
  echo "bench: packing $png/train into $table" >&2
  spark_java org.cbd4j.spark.PackFolder --master 'local[2]' --input "$png/train" --out "$table" --partitions 8 >&2
fi
images=$(find "$png/train" -name '*.png' | wc -l)

tsv="$work/bench.tsv"
printf 'scorer\tinput\timages\tjob_s\twall_s\timages_per_s_job\timages_per_s_wall\n' > "$tsv"
record() { # scorer input job_seconds wall_seconds
  awk -v s="$1" -v i="$2" -v n="$images" -v j="$3" -v w="$4" 'BEGIN {
    printf "%s\t%s\t%d\t%.1f\t%.1f\t%.0f\t%.0f\n", s, i, n, j, w, n / j, n / w }' | tee -a "$tsv"
}
now() { date +%s.%N; }

# Single process: cbd audit --run (decode, score with CbdScorer, flag, write suspicion.csv).
for input in png idx; do
  out="$work/single-$input"; rm -rf "$out"
  if [ "$input" = png ]; then args=(--dataset folder --data "$png/train" --image-size 28 --channels 1)
  else args=(--dataset fashion-mnist --data "$data"); fi
  t0=$(now)
  line=$("$root/cbd" audit --run "$run" "${args[@]}" --out "$out" | tail -1)
  t1=$(now)
  job=$(sed -n 's/.*(\([0-9.]*\) s).*/\1/p' <<<"$line")
  record "cbd-audit" "$input" "$job" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
done

# Spark: job seconds from summary.json (listing, scoring, the driver's flagging pass, writing);
# wall seconds include the JVM's and Spark's start.
for n in 1 2; do
  for input in png parquet; do
    out="$work/spark-local$n-$input"; rm -rf "$out"
    if [ "$input" = png ]; then args=(--input "$png/train"); else args=(--parquet "$table"); fi
    t0=$(now)
    spark_java org.cbd4j.spark.SparkAudit --master "local[$n]" --run "$run" "${args[@]}" --out "$out" >&2
    t1=$(now)
    job=$(sed -n 's/^  "seconds" : \([0-9.]*\),*$/\1/p' "$out/summary.json")
    record "spark-local[$n]" "$input" "$job" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  done
done
echo "bench: wrote $tsv" >&2
