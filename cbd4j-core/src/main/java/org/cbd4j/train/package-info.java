/**
 * Training machinery: the per-batch step with its own NDManager scope, tensor-op augmentation,
 * Nesterov SGD, learning-rate schedules, seeded batch order and progress reporting.
 */
package org.cbd4j.train;
