package org.cbd4j.train;

import ai.djl.engine.Engine;

/**
 * Derives per-epoch seeds. Every epoch reseeds the engine's RNG (dropout, random init of helper
 * state) from (run seed, stage, epoch), so an epoch's randomness does not depend on what ran
 * before it in the process; a resumed run then draws exactly what an uninterrupted one would.
 */
public final class Seeds {

    private Seeds() {}

    /** A 31-bit seed from the run seed, a stage name and a 0-based epoch. */
    public static int forEpoch(long seed, String stage, int epoch) {
        long h = seed * 0x9E3779B97F4A7C15L + stage.hashCode() * 1_000_003L + epoch;
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (int) (h & 0x7FFFFFFF);
    }

    /** A java.util.Random for one named stream (for example "f_C/augment") of one epoch. */
    public static java.util.Random random(long seed, String stream, int epoch) {
        return new java.util.Random(forEpoch(seed, stream, epoch));
    }

    /** Reseeds the engine (torch) RNG for one epoch of one stage. */
    public static void seedEpoch(long seed, String stage, int epoch) {
        Engine.getInstance().setRandomSeed(forEpoch(seed, stage, epoch));
    }
}
