package org.cbd4j.cli;

import java.util.Locale;
import org.cbd4j.pipeline.ExperimentListener;

/** The CLI's listener: progress lines and one line per epoch on stderr, live bars on a terminal. */
final class PrintingListener implements ExperimentListener {

    @Override
    public boolean liveProgress() {
        return true;
    }

    @Override
    public void message(String line) {
        System.err.println(line);
    }

    @Override
    public void epochEnd(EpochMetrics m) {
        System.err.println(epochLine(m));
    }

    /**
     * One epoch's line. Figures that do not apply are left out rather than printed as NaN: CA
     * when nothing was evaluated (cbd audit), ASR and RA without a triggered test set (no attack), the poisoned samples' mean weight without
     * poisoned samples (then the mean weight of all samples is shown), the weights of a stage
     * that has none.
     */
    static String epochLine(EpochMetrics m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%s %d]", m.stage(), m.epoch() + 1));
        if (Double.isFinite(m.loss())) {
            sb.append(String.format(Locale.ROOT, " loss %.4f", m.loss()));
        }
        if (Double.isFinite(m.ca())) {
            sb.append(String.format(Locale.ROOT, "  CA %.2f", m.ca()));
        }
        if (Double.isFinite(m.asr())) {
            sb.append(String.format(Locale.ROOT, "  ASR %.2f", m.asr()));
        }
        if (Double.isFinite(m.ra())) {
            sb.append(String.format(Locale.ROOT, "  RA %.2f", m.ra()));
        }
        boolean poisoned = Double.isFinite(m.poisonedWeight());
        if (poisoned) {
            sb.append(String.format(Locale.ROOT, "  w_poison %.3f", m.poisonedWeight()));
        }
        if (Double.isFinite(m.cleanWeight())) {
            sb.append(String.format(Locale.ROOT, poisoned ? " w_clean %.3f" : "  w_mean %.3f", m.cleanWeight()));
        }
        return sb.append(String.format(Locale.ROOT, "  (%.0f s)", m.seconds())).toString();
    }
}
