package org.cbd4j.train;

/** A loss became NaN or infinite; the message names stage, epoch and batch. */
public class DivergenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DivergenceException(String stage, int epoch, int batch, double loss) {
        super("training diverged: loss " + loss + " in stage " + stage + ", epoch " + (epoch + 1) + ", batch "
                + (batch + 1) + " (try a lower --lr)");
    }
}
