/**
 * Metrics exactly as docs/METHOD.md §4 defines them: clean accuracy (CA), attack success rate (ASR), robust
 * accuracy (RA), defense effectiveness rating (DER) and poison-detection AUROC, precision and recall.
 */
package org.cbd4j.eval;
