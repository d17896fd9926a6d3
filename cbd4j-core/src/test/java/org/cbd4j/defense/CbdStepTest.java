package org.cbd4j.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.SyntheticImages;
import org.cbd4j.model.Network;
import org.cbd4j.train.Adam;
import org.cbd4j.train.Batches;
import org.cbd4j.train.LearningRate;
import org.cbd4j.train.Learner;
import org.cbd4j.train.NesterovSgd;
import org.junit.jupiter.api.Test;

/** CBD's stage-2 step in isolation, on generated images and a tiny network. */
class CbdStepTest {

    /** f_B, f_C and the critic from one seed, with learners, ready for one step. */
    private record Setup(Network fB, Network fC, MiCritic critic, Learner fcLearner, Learner criticLearner)
            implements AutoCloseable {

        static Setup create(long seed, float fcWeightDecay) {
            Engine.getInstance().setRandomSeed((int) seed);
            ImageDataset d = SyntheticImages.generate(8, 1, 16, 16, 1);
            Network fB = Network.forData("f_B", "tiny-cnn", d);
            Network fC = Network.forData("f_C", "tiny-cnn", d);
            MiCritic critic = new MiCritic(fC.block().embeddingSize());
            Learner fc = new Learner(fC.block(), new NesterovSgd(new LearningRate(0.1f), 0f, fcWeightDecay));
            Learner cr = new Learner(critic.block(), Adam.withDefaults(new LearningRate(0.2f)));
            return new Setup(fB, fC, critic, fc, cr);
        }

        CbdStep.Result run(float lambda, CbdStep.Weighting weighting, boolean mi) {
            ImageDataset d = SyntheticImages.generate(8, 1, 16, 16, 1);
            CbdStep step = new CbdStep(fB, fC, mi ? critic : null, fcLearner, criticLearner, new SpectralNorm(5), lambda);
            try (NDManager bm = fC.manager().newSubManager()) {
                int[] order = Batches.identity(d.size());
                NDArray x = Batches.images(bm, d, order, 0, d.size());
                NDArray y = Batches.labels(bm, d.labels(), order, 0, d.size());
                Engine.getInstance().setRandomSeed(42); // the same dropout masks in every run
                return step.run(x, y, null, weighting);
            }
        }

        List<float[]> params(Learner learner) {
            List<float[]> out = new ArrayList<>();
            learner.trainable().forEach(p -> out.add(p.getArray().toFloatArray()));
            return out;
        }

        @Override
        public void close() {
            critic.close();
            fB.close();
            fC.close();
        }
    }

    private static final CbdStep.Weighting PAPER = (lb, lc, y) -> CbdWeights.weights(lb, lc);

    @Test
    void fcLossGradientsDoNotReachTheCriticUpdate() {
        // f_C minimises lambda * I; the critic maximises I. Were f_C's gradients left in the critic,
        // its update would depend on lambda (at lambda = 1 they would cancel its own exactly).
        List<float[]> small;
        List<float[]> large;
        try (Setup s = Setup.create(3, 1e-4f)) {
            s.run(1f, PAPER, true);
            small = s.params(s.criticLearner());
        }
        try (Setup s = Setup.create(3, 1e-4f)) {
            s.run(1000f, PAPER, true);
            large = s.params(s.criticLearner());
        }
        List<float[]> before;
        try (Setup s = Setup.create(3, 1e-4f)) {
            before = s.params(s.criticLearner());
        }
        boolean moved = false;
        for (int i = 0; i < small.size(); i++) {
            assertArrayEquals(small.get(i), large.get(i), 1e-6f, "critic parameter " + i);
            for (int j = 0; j < small.get(i).length; j++) {
                moved |= small.get(i)[j] != before.get(i)[j];
            }
        }
        assertTrue(moved, "the critic was not updated at all");
    }

    @Test
    void theLossUsesExactlyTheWeightingsOutput() {
        CbdStep.Weighting fixed = (lb, lc, y) -> lb.getManager().create(new float[] {0, 2, 0, 2, 0, 2, 0, 2});
        try (Setup s = Setup.create(5, 1e-4f)) {
            CbdStep.Result r = s.run(1f, fixed, false);
            assertArrayEquals(new float[] {0, 2, 0, 2, 0, 2, 0, 2}, r.weights());
            double expected = 0;
            for (int i = 0; i < 8; i++) {
                expected += r.weights()[i] * r.lossC()[i] / 8;
            }
            assertEquals(expected, r.ce(), 1e-5);
        }
    }

    @Test
    void zeroWeightsLeaveFcUnchanged() {
        CbdStep.Weighting zero = (lb, lc, y) -> lc.zerosLike();
        try (Setup s = Setup.create(6, 0f)) {
            List<float[]> before = s.params(s.fcLearner());
            s.run(0f, zero, false);
            List<float[]> after = s.params(s.fcLearner());
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i), 0f, "f_C parameter " + i);
            }
        }
        CbdStep.Weighting one = (lb, lc, y) -> lc.onesLike();
        try (Setup s = Setup.create(6, 0f)) {
            List<float[]> before = s.params(s.fcLearner());
            s.run(0f, one, false);
            List<float[]> after = s.params(s.fcLearner());
            boolean changed = false;
            for (int i = 0; i < before.size(); i++) {
                for (int j = 0; j < before.get(i).length; j++) {
                    changed |= before.get(i)[j] != after.get(i)[j];
                }
            }
            assertTrue(changed, "a weight of 1 must move f_C (else the zero-weight check proves nothing)");
        }
    }

    @Test
    void trainedCriticScoresDependentPairsAboveIndependentOnes() {
        Engine.getInstance().setRandomSeed(11);
        int d = 8;
        Random rnd = new Random(4);
        try (MiCritic critic = new MiCritic(d); NDManager m = NDManager.newBaseManager()) {
            Learner learner = new Learner(critic.block(), Adam.withDefaults(new LearningRate(0.01f)));
            SpectralNorm sn = new SpectralNorm(5);
            for (int step = 0; step < 300; step++) {
                try (NDManager bm = m.newSubManager()) {
                    NDArray zB = gaussian(bm, rnd, 64, d);
                    NDArray zC = zB.add(gaussian(bm, rnd, 64, d).mul(0.1f));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(critic.estimate(zB, zC, true).neg());
                    }
                    learner.step();
                    sn.apply(critic.block());
                }
            }
            double dependent = 0;
            double independent = 0;
            for (int k = 0; k < 20; k++) {
                try (NDManager bm = m.newSubManager()) {
                    NDArray zB = gaussian(bm, rnd, 64, d);
                    dependent += critic.estimate(zB, zB.add(gaussian(bm, rnd, 64, d).mul(0.1f)), false).getFloat();
                    independent += critic.estimate(zB, gaussian(bm, rnd, 64, d), false).getFloat();
                }
            }
            assertTrue(dependent / 20 > independent / 20 + 1e-3,
                    "dependent " + dependent / 20 + " vs independent " + independent / 20);
        }
    }

    private static NDArray gaussian(NDManager m, Random rnd, int n, int d) {
        float[] v = new float[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return m.create(v, new Shape(n, d));
    }
}
