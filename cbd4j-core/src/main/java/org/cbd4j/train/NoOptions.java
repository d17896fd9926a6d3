package org.cbd4j.train;

import ai.djl.training.optimizer.Optimizer;

/**
 * The empty builder DJL's {@link Optimizer} constructor requires; cbd4j's optimisers take their
 * settings in their own constructors (rescale 1, no clipping, no DJL weight decay).
 */
final class NoOptions extends Optimizer.OptimizerBuilder<NoOptions> {

    @Override
    protected NoOptions self() {
        return this;
    }
}
