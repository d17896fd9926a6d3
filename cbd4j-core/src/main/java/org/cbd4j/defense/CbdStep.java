package org.cbd4j.defense;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import org.cbd4j.model.Network;
import org.cbd4j.train.Learner;
import org.cbd4j.train.Losses;

/**
 * One stage-2 mini-batch of CBD: f_C's weighted cross-entropy plus the MI penalty, one f_C
 * update, then one critic update on the same embeddings. Kept apart from the epoch loop so that a
 * test can run a single step and look at what it used.
 */
final class CbdStep {

    /** How a batch's sample weights are computed from l_B, l_C (both constants) and labels. */
    interface Weighting {
        NDArray weights(NDArray lossB, NDArray lossC, NDArray labels);
    }

    /**
     * What one step used and produced, read to the host.
     *
     * @param weights the per-sample weights multiplied into f_C's loss
     * @param lossC f_C's per-sample cross-entropy before the update
     * @param ce the weighted cross-entropy
     * @param mi the MI estimate seen by f_C (0 without the MI term)
     */
    record Result(float[] weights, float[] lossC, float ce, float mi) {

        /** Whether ce and mi are finite: otherwise the step is not taken (or no longer counts). */
        boolean finite() {
            return Float.isFinite(ce) && Float.isFinite(mi);
        }
    }

    /**
     * The same, still on the device: nothing is copied to the host until {@link #read} (on a GPU
     * each copy waits for the device's whole queue, see {@link StepReadback}).
     *
     * @param mi null without the MI term
     */
    record Outputs(NDArray weights, NDArray lossC, NDArray ce, NDArray mi) {

        /** Copies the four to the host: ce, then mi, then the weights, then l_C, as the step always did. */
        Result read() {
            float c = ce.getFloat();
            float m = mi == null ? 0 : mi.getFloat();
            return new Result(weights.toFloatArray(), lossC.toFloatArray(), c, m);
        }
    }

    /** Takes a step's outputs before its update. */
    interface Readout {
        /** @return false to skip the update (a value read now is not finite) */
        boolean proceed(Outputs outputs);
    }

    private final Network fB;
    private final Network fC;
    private final MiCritic critic;
    private final Learner fcLearner;
    private final Learner criticLearner;
    private final SpectralNorm spectral;
    private final float lambda;

    /** {@code critic} null: no MI term. */
    CbdStep(Network fB, Network fC, MiCritic critic, Learner fcLearner, Learner criticLearner, SpectralNorm spectral,
            float lambda) {
        this.fB = fB;
        this.fC = fC;
        this.critic = critic;
        this.fcLearner = fcLearner;
        this.criticLearner = criticLearner;
        this.spectral = spectral;
        this.lambda = lambda;
    }

    /**
     * Runs the step on an augmented batch and reads what it used at once (a test's view of one
     * step; the epoch loop passes a {@link StepReadback}).
     *
     * @param lossB f_B's per-sample loss to weight with, or null to take it from f_B on {@code x}
     *     (the paper's per-batch l_B)
     */
    Result run(NDArray x, NDArray y, NDArray lossB, Weighting weighting) {
        Result[] read = new Result[1];
        run(x, y, lossB, weighting, o -> {
            read[0] = o.read();
            return read[0].finite();
        });
        return read[0];
    }

    /**
     * Runs the step, handing its outputs to {@code readout} between the forward pass and the
     * update; the step itself copies none of them to the host (nor does the critic's
     * {@link SpectralNorm#apply}).
     */
    void run(NDArray x, NDArray y, NDArray lossB, Weighting weighting, Readout readout) {
        // f_B is frozen: inference mode outside any collector records no graph. Its forward pass
        // is needed only for the MI term or the paper's per-batch l_B.
        NDList outB = critic != null || lossB == null ? fB.forward(new NDList(x), false) : null;
        NDArray lB = lossB != null ? lossB : Losses.perSampleCrossEntropy(outB.get(0), y);
        NDArray zC;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList outC = fC.forward(new NDList(x), true);
            zC = outC.get(1);
            NDArray lossC = Losses.perSampleCrossEntropy(outC.get(0), y);
            NDArray w = weighting.weights(lB, lossC.stopGradient(), y);
            NDArray ce = w.mul(lossC).mean();
            NDArray loss = ce;
            NDArray est = null;
            if (critic != null) {
                est = critic.estimate(outB.get(1), zC, true);
                loss = loss.add(est.mul(lambda));
            }
            if (!readout.proceed(new Outputs(w, lossC, ce, est))) {
                return;
            }
            gc.backward(loss);
        }
        fcLearner.step();
        if (critic != null) {
            // f_C's loss also reached the critic; those gradients are not the critic's.
            criticLearner.zeroGradients();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(critic.estimate(outB.get(1), zC.stopGradient(), true).neg());
            }
            criticLearner.step();
            spectral.apply(critic.block());
        }
    }
}
