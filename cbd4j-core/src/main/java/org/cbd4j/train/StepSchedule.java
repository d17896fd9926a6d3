package org.cbd4j.train;

/**
 * Step learning-rate schedule in epochs: {@code base} until the first milestone, then multiplied
 * by {@code factor} at each milestone (docs/METHOD.md §2: 0.1, x0.1 at epochs 20 and 70 of 100).
 */
public record StepSchedule(float base, float factor, int[] milestones) {

    /** A schedule that never changes the rate. */
    public static StepSchedule constant(float lr) {
        return new StepSchedule(lr, 1f, new int[0]);
    }

    /**
     * The reference f_C schedule (0.1 / 0.01 / 0.001 at epochs 0-19 / 20-69 / 70+ of 100),
     * compressed proportionally to a run of {@code epochs} epochs.
     */
    public static StepSchedule reference(float base, int epochs) {
        int m1 = Math.max(1, Math.round(epochs * 0.2f));
        int m2 = Math.max(m1 + 1, Math.round(epochs * 0.7f));
        return new StepSchedule(base, 0.1f, new int[] {m1, m2});
    }

    /** The rate for a 0-based epoch. */
    public float at(int epoch) {
        float lr = base;
        for (int m : milestones) {
            if (epoch >= m) {
                lr *= factor;
            }
        }
        return lr;
    }
}
