package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam with PyTorch's semantics (no weight decay), composed from NDArray ops so that its moments
 * and step counts can be checkpointed (DJL's own Adam keeps them private). Used for CBD's critic.
 */
public final class Adam extends Optimizer implements OptimizerState {

    private final LearningRate learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final Map<String, NDArray> moments = new HashMap<>();
    private final Map<String, Integer> steps = new HashMap<>();

    public Adam(LearningRate learningRate, float beta1, float beta2, float epsilon) {
        super(new NoOptions());
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public static Adam withDefaults(LearningRate lr) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f);
    }

    @Override
    public void update(String id, NDArray weight, NDArray grad) {
        NDManager scope = grad.getManager();
        NDArray m = moments.computeIfAbsent("m/" + id, k -> persistent(weight));
        NDArray v = moments.computeIfAbsent("v/" + id, k -> persistent(weight));
        int t = steps.merge(id, 1, Integer::sum);
        m.muli(beta1).addi(scaled(grad, 1 - beta1, scope));
        NDArray g2 = grad.mul(grad);
        g2.attach(scope);
        v.muli(beta2).addi(g2.muli(1 - beta2));
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        NDArray vHat = v.div((float) c2);
        vHat.attach(scope);
        NDArray denom = vHat.sqrt().addi(epsilon);
        NDArray step = m.div(denom);
        step.attach(scope);
        weight.subi(step.muli((float) (learningRate.get() / c1)));
        Learner.clear(grad);
    }

    private static NDArray persistent(NDArray weight) {
        NDArray z = weight.zerosLike();
        z.attach(weight.getManager());
        return z;
    }

    private static NDArray scaled(NDArray x, float f, NDManager scope) {
        NDArray y = x.mul(f);
        y.attach(scope);
        return y;
    }

    @Override
    public Map<String, NDArray> state() {
        return new HashMap<>(moments);
    }

    @Override
    public Map<String, Integer> counters() {
        return new HashMap<>(steps);
    }

    @Override
    public void restore(Map<String, NDArray> arrays, Map<String, Integer> counters) {
        moments.clear();
        moments.putAll(arrays);
        steps.clear();
        steps.putAll(counters);
    }
}
