/**
 * Attacks that poison a dataset: one class per attack behind {@link org.cbd4j.attack.Attack}. An
 * attack only returns data (poisoned training set, triggered test set, poisoned indices); it never
 * owns a training loop.
 */
package org.cbd4j.attack;
