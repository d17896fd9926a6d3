package org.cbd4j.defense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.train.DivergenceException;

/**
 * One stage-2 epoch's step outputs read back to the host every {@code every} batches, and what the
 * epoch makes of them: each sample's weight and l_C, stored by its place in the epoch's order, and
 * the sums of ce and mi.
 *
 * <p>The same trade as {@code LossReadback} makes for plain training. Copying a value to the host
 * makes the host wait until the device has finished every queued kernel. On a CPU that costs
 * nothing, so every step is read at once and a non-finite ce or mi stops the epoch before that
 * step's update. On a GPU, four copies a batch would idle the device between batches, so the
 * outputs stay on the device, detached from the graph and held in a manager that outlives the
 * batch's own, and are read {@code every} batches at a time and at the end of the epoch. A
 * divergence is then reported up to {@code every - 1} steps late, still naming the batch whose ce
 * or mi first went non-finite. Both paths apply the same per-batch values in batch order with the
 * same float arithmetic, so the weights, losses and sums are bit-identical.
 */
final class StepReadback implements AutoCloseable {

    private record Pending(CbdStep.Outputs outputs, int batch, int from, int to) {}

    private final NDManager parent;
    private final int every;
    private final int epoch;
    private final int[] order;
    private final float[] weightsOut;
    private final float[] lastLossC;
    private final List<Pending> pending = new ArrayList<>();
    private NDManager held;
    private double ceSum;
    private double miSum;
    private long count;

    /**
     * @param parent manager whose sub-manager keeps the unread outputs past their batch's own
     * @param every read every this many batches (1: every batch, at once)
     * @param order the epoch's sample order: batch positions {@code from..to} are samples
     *     {@code order[from..to)}
     * @param weightsOut receives each read sample's weight
     * @param lastLossC receives each read sample's l_C
     */
    StepReadback(NDManager parent, int every, int epoch, int[] order, float[] weightsOut, float[] lastLossC) {
        if (every < 1) {
            throw new IllegalArgumentException("read interval must be at least 1, got " + every);
        }
        this.parent = parent;
        this.every = every;
        this.epoch = epoch;
        this.order = order;
        this.weightsOut = weightsOut;
        this.lastLossC = lastLossC;
        this.held = parent.newSubManager();
    }

    /**
     * Takes batch {@code batch}'s outputs (positions {@code from..to} of the order), as a
     * {@link CbdStep.Readout}: before the step's update.
     *
     * @return true: the step goes on (a non-finite value read now throws instead)
     * @throws DivergenceException when a ce or mi read now is NaN or infinite
     */
    boolean add(CbdStep.Outputs o, int batch, int from, int to) {
        if (every == 1) {
            take(o.read(), batch, from, to);
            return true;
        }
        pending.add(new Pending(new CbdStep.Outputs(keep(o.weights()), keep(o.lossC()), keep(o.ce()), keep(o.mi())),
                batch, from, to));
        if (pending.size() >= every) {
            flush();
        }
        return true;
    }

    /** Reads whatever is still on the device (call at the end of the epoch). */
    void flush() {
        try {
            for (Pending q : pending) {
                take(q.outputs().read(), q.batch(), q.from(), q.to());
            }
        } finally {
            // the read (or, after a divergence, unread) outputs go in one close
            pending.clear();
            held.close();
            held = parent.newSubManager();
        }
    }

    /** What the epoch loop has always done with a step's values, in batch order. */
    private void take(CbdStep.Result r, int batch, int from, int to) {
        if (!r.finite()) {
            throw new DivergenceException("f_C", epoch, batch, Float.isFinite(r.ce()) ? r.mi() : r.ce());
        }
        for (int k = from; k < to; k++) {
            weightsOut[order[k]] = r.weights()[k - from];
            lastLossC[order[k]] = r.lossC()[k - from];
        }
        ceSum += r.ce() * (to - from); // float products, as the loop always summed: results stay bit-identical
        miSum += r.mi() * (to - from);
        count += to - from;
    }

    private NDArray keep(NDArray a) {
        if (a == null) {
            return null;
        }
        // A copy, not only a detached view: an output made from a host array (the epoch's
        // weights, by manager.create) is a view of a direct buffer that the batch's array holds.
        // Once the batch's manager closes, the garbage collector may free that buffer, and a view
        // kept past it reads freed memory (seen as a weight of -1.4e-22 instead of 1.0).
        NDArray kept = a.stopGradient().duplicate();
        kept.attach(held);
        return kept;
    }

    /** The running means of the batches read so far, for the progress line ("" before the first read). */
    String progress() {
        return count == 0 ? "" : String.format("ce %.4f mi %.5f", ceSum / count, miSum / count);
    }

    /** The epoch's mean ce ("loss") and mi over all {@code order.length} samples; after {@link #flush}. */
    Map<String, Double> stats() {
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("loss", ceSum / order.length);
        stats.put("mi", miSum / order.length);
        return stats;
    }

    @Override
    public void close() {
        held.close();
    }
}
