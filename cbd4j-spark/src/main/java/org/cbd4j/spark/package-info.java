/**
 * {@code cbd audit --run} on Apache Spark: {@link org.cbd4j.spark.SparkAudit} (the job's main
 * class, for {@code spark-submit --class} or a plain {@code java} in {@code local[N]}) scores a
 * folder tree or Parquet table of labelled images with a finished CBD run's saved f_B and f_C.
 * {@link org.cbd4j.spark.AuditInputs} lists the images, {@link org.cbd4j.spark.PartitionScorer}
 * scores one partition with one {@link org.cbd4j.pipeline.CbdScorer}, and
 * {@link org.cbd4j.spark.SparkAuditJob} flags the whole set on the driver with
 * {@link org.cbd4j.defense.CbdScores#flagged} and writes the table, per-class counts and
 * provenance. Spark stays in this module: cbd4j-core and the {@code cbd} command never see it.
 */
package org.cbd4j.spark;
