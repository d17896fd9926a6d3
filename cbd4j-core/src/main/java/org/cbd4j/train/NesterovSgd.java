package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SGD with Nesterov momentum and weight decay, with PyTorch's semantics:
 * {@code d = g + wd*w; b = m*b + d; w -= lr*(d + m*b)}. DJL's PyTorch engine has no Nesterov
 * optimiser ({@code Nag} throws), so this one is composed from NDArray ops. It zeroes the
 * gradient after the update, as DJL's own optimisers do on this engine.
 */
public final class NesterovSgd extends Optimizer implements OptimizerState {

    private final LearningRate learningRate;
    private final float momentum;
    private final float weightDecay;
    private final Map<String, NDArray> buffers = new ConcurrentHashMap<>();

    /** Creates the optimiser; the rate is read from {@code learningRate} at every update. */
    public NesterovSgd(LearningRate learningRate, float momentum, float weightDecay) {
        super(new NoOptions());
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public Map<String, NDArray> state() {
        return new java.util.HashMap<>(buffers);
    }

    @Override
    public void restore(Map<String, NDArray> arrays, Map<String, Integer> counters) {
        buffers.clear();
        buffers.putAll(arrays);
    }

    /** Momentum buffer of a parameter (null before its first update); for checkpoints and tests. */
    public NDArray momentumBuffer(String parameterId) {
        return buffers.get(parameterId);
    }

    /**
     * {@inheritDoc} Uses {@code grad} as scratch space and leaves it zero; temporaries are attached
     * to {@code grad}'s manager, which the caller closes.
     */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.get();
        NDManager scope = grad.getManager();
        // In place on the gradient buffer (zeroed at the end anyway): fewer native calls per
        // parameter, which is what the step costs on small tensors.
        if (weightDecay != 0f) {
            NDArray decay = weight.mul(weightDecay);
            decay.attach(scope);
            grad.addi(decay);
        }
        if (momentum != 0f) {
            NDArray buf = buffers.get(parameterId);
            if (buf == null) {
                // First step: PyTorch initialises the buffer with the first update direction.
                buf = grad.duplicate();
                buf.attach(weight.getManager());
                buffers.put(parameterId, buf);
            } else {
                buf.muli(momentum).addi(grad);
            }
            NDArray look = buf.mul(momentum);
            look.attach(scope);
            grad.addi(look);
        }
        weight.subi(grad.muli(lr));
        grad.subi(grad);
    }
}
