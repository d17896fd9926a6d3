package org.cbd4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * An epoch's per-batch mean losses, read back to the host every {@code every} batches.
 *
 * <p>Reading a loss makes the host wait until the device has finished every queued kernel. On a
 * CPU that costs nothing (the work is done by then), so the loop reads every batch and stops at the
 * first non-finite loss before its step. On a GPU, waiting every batch would idle the device
 * between batches, so losses are kept on the device and read {@code every} batches at a time; a
 * divergence is then reported up to {@code every - 1} steps late, still naming the batch whose loss
 * first went non-finite. Both paths sum the same per-batch values the same way, so they give the
 * same epoch mean.
 */
final class LossReadback implements AutoCloseable {

    private final String stage;
    private final int epoch;
    private final int every;
    private final NDManager held;
    private final List<NDArray> pending = new ArrayList<>();
    private final List<int[]> pendingBatches = new ArrayList<>();
    private double sum;
    private long count;

    /**
     * @param parent manager the unread losses are kept in past their batch's own sub-manager
     * @param every read every this many batches (1: every batch, at once)
     */
    LossReadback(NDManager parent, int every, String stage, int epoch) {
        if (every < 1) {
            throw new IllegalArgumentException("read interval must be at least 1, got " + every);
        }
        this.stage = stage;
        this.epoch = epoch;
        this.every = every;
        this.held = parent.newSubManager();
    }

    /**
     * Records batch {@code batch}'s mean loss over {@code n} samples (call before its backward pass).
     *
     * @throws DivergenceException when a loss read now is NaN or infinite
     */
    void add(NDArray meanLoss, int batch, int n) {
        if (every == 1) {
            take(meanLoss.getFloat(), batch, n);
            return;
        }
        NDArray kept = meanLoss.stopGradient().duplicate(); // owns its memory: see StepReadback.keep
        kept.attach(held);
        pending.add(kept);
        pendingBatches.add(new int[] {batch, n});
        if (pending.size() >= every) {
            flush();
        }
    }

    /** Reads whatever is still on the device. */
    void flush() {
        for (int i = 0; i < pending.size(); i++) {
            NDArray a = pending.get(i);
            float v = a.getFloat();
            a.close();
            int[] bn = pendingBatches.get(i);
            if (!Float.isFinite(v)) {
                pending.subList(i + 1, pending.size()).forEach(NDArray::close);
                pending.clear();
                pendingBatches.clear();
                throw new DivergenceException(stage, epoch, bn[0], v);
            }
            sum += v * bn[1]; // float product, as the loop always summed: results stay bit-identical
            count += bn[1];
        }
        pending.clear();
        pendingBatches.clear();
    }

    private void take(float v, int batch, int n) {
        if (!Float.isFinite(v)) {
            throw new DivergenceException(stage, epoch, batch, v);
        }
        sum += v * n;
        count += n;
    }

    /** Sum of loss × batch size over the batches read so far. */
    double sum() {
        return sum;
    }

    /** Samples in the batches read so far. */
    long count() {
        return count;
    }

    @Override
    public void close() {
        held.close();
    }
}
