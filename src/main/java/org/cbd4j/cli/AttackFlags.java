package org.cbd4j.cli;

import org.cbd4j.attack.AttackOptions;
import picocli.CommandLine.Option;

/** The per-attack options of {@code cbd train} and {@code cbd poison} (docs/METHOD.md §3 defaults). */
final class AttackFlags {

    @Option(names = "--blend-alpha", paramLabel = "A", defaultValue = "0.2",
            description = "blend: weight of the pattern, x' = (1-A) x + A P. Default: ${DEFAULT-VALUE}.")
    double blendAlpha;

    @Option(names = "--blend-pattern", paramLabel = "FILE",
            description = "blend: PNG/JPEG/BMP/PPM image used as the pattern (resized); default: seeded uniform noise.")
    String blendPattern;

    @Option(names = "--sig-delta", paramLabel = "D", defaultValue = "40",
            description = "sig: amplitude of the sinusoid (pixel values). Default: ${DEFAULT-VALUE}.")
    double sigDelta;

    @Option(names = "--sig-frequency", paramLabel = "F", defaultValue = "6",
            description = "sig: periods across the image width. Default: ${DEFAULT-VALUE}.")
    double sigFrequency;

    @Option(names = "--wanet-k", paramLabel = "K", defaultValue = "4",
            description = "wanet: side of the control grid of the warp. Default: ${DEFAULT-VALUE}.")
    int wanetK;

    @Option(names = "--wanet-s", paramLabel = "S", defaultValue = "0.5",
            description = "wanet: warp strength. Default: ${DEFAULT-VALUE}.")
    double wanetS;

    @Option(names = "--wanet-grid-rescale", paramLabel = "X", defaultValue = "1",
            description = "wanet: factor on the warped grid before clamping. Default: ${DEFAULT-VALUE}.")
    double wanetGridRescale;

    @Option(names = "--wanet-cross-ratio", paramLabel = "X", defaultValue = "2",
            description = "wanet: noise-warped samples (labels kept) per backdoor sample. Default: ${DEFAULT-VALUE}.")
    double wanetCrossRatio;

    @Option(names = "--helper-model", paramLabel = "NAME", defaultValue = "small-cnn",
            description = "trojan, label-consistent: model trained on the clean data to build the trigger (cached); input-aware: its classifier. "
                    + "Default: ${DEFAULT-VALUE}.")
    String helperModel;

    @Option(names = "--helper-epochs", paramLabel = "N", defaultValue = "5",
            description = "trojan, label-consistent: epochs of that model; input-aware: epochs of mask and of generator training. Default: ${DEFAULT-VALUE}.")
    int helperEpochs;

    @Option(names = "--trojan-size", paramLabel = "N", defaultValue = "0",
            description = "trojan: side of the square trigger in the bottom-right corner (0: a fifth of the image, "
                    + "at least 3). Default: ${DEFAULT-VALUE}.")
    int trojanSize;

    @Option(names = "--trojan-steps", paramLabel = "N", defaultValue = "100",
            description = "trojan: sign-gradient steps optimising the trigger. Default: ${DEFAULT-VALUE}.")
    int trojanSteps;

    @Option(names = "--lc-eps", paramLabel = "X", defaultValue = "8",
            description = "label-consistent: PGD bound in pixel values (8 = 8/255). Default: ${DEFAULT-VALUE}.")
    double lcEps;

    @Option(names = "--lc-step", paramLabel = "X", defaultValue = "1.5",
            description = "label-consistent: PGD step in pixel values. Default: ${DEFAULT-VALUE}.")
    double lcStep;

    @Option(names = "--lc-steps", paramLabel = "N", defaultValue = "100",
            description = "label-consistent: PGD steps. Default: ${DEFAULT-VALUE}.")
    int lcSteps;

    AttackOptions toOptions() {
        return new AttackOptions(blendAlpha, blendPattern, sigDelta, sigFrequency, wanetK, wanetS, wanetGridRescale,
                wanetCrossRatio, helperModel, helperEpochs, trojanSize, trojanSteps, lcEps, lcStep, lcSteps);
    }
}
