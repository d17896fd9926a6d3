/**
 * Defenses behind one verb, {@link org.cbd4j.defense.Defense#apply}: {@code none} (ordinary
 * training) and {@code cbd} (Causality-inspired Backdoor Defense). A defense receives poisoned
 * data and returns a trained model plus optional per-sample suspicion scores; it never sees which
 * samples are poisoned.
 */
package org.cbd4j.defense;
