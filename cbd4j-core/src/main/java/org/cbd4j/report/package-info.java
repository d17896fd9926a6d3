/**
 * What a run leaves behind: the run directory (resolved config with provenance, metrics CSV,
 * summary JSON, poisoned indices, per-sample scores, models) and the comparison table.
 */
package org.cbd4j.report;
