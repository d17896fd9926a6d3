package org.cbd4j.cli;

import org.cbd4j.attack.AttackOptions;
import picocli.CommandLine.Option;

/** The per-attack options of {@code cbd train} and {@code cbd poison} (SPEC §3 defaults). */
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

    AttackOptions toOptions() {
        return new AttackOptions(blendAlpha, blendPattern, sigDelta, sigFrequency, wanetK, wanetS, wanetGridRescale,
                wanetCrossRatio);
    }
}
