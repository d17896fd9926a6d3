package org.cbd4j.train;

import ai.djl.training.tracker.Tracker;

/**
 * A learning rate set by the training loop once per epoch. DJL's trackers count optimiser updates;
 * the schedules here are defined in epochs, so the loop sets the value and optimisers read it.
 */
public final class LearningRate implements Tracker {

    private volatile float value;

    public LearningRate(float initial) {
        this.value = initial;
    }

    public void set(float v) {
        value = v;
    }

    public float get() {
        return value;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return value;
    }
}
