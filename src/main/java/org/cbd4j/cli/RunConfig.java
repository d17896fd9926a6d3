package org.cbd4j.cli;

import org.cbd4j.attack.AttackConfig;
import org.cbd4j.attack.AttackOptions;
import org.cbd4j.attack.Attacks;
import org.cbd4j.data.DatasetResolver;
import org.cbd4j.defense.BaselineOptions;
import org.cbd4j.defense.CbdConfig;
import org.cbd4j.defense.CbdOptions;
import org.cbd4j.defense.Defenses;
import org.cbd4j.model.Models;
import org.cbd4j.train.Augmentation;
import org.cbd4j.train.TrainConfig;

/**
 * The fully resolved configuration of one run, with the same names as the {@code cbd train}
 * flags; written to {@code config.json} so a run can be reproduced from it.
 */
public record RunConfig(
        String dataset,
        String data,
        int imageSize,
        int channels,
        boolean skipUnreadable,
        int limitTrain,
        String attack,
        double poisonRate,
        int target,
        boolean allToAll,
        String defense,
        int fbEpochs,
        int epochs,
        boolean noMi,
        boolean noReweight,
        boolean paperWeighting,
        float miLambda,
        float criticLr,
        String model,
        int batchSize,
        float lr,
        float momentum,
        float weightDecay,
        boolean augment,
        boolean flip,
        long seed,
        AttackOptions attackOptions,
        BaselineOptions baselineOptions,
        CbdOptions cbdOptions,
        String out) {

    public RunConfig {
        attackOptions = attackOptions == null ? AttackOptions.DEFAULTS : attackOptions;
        baselineOptions = baselineOptions == null ? BaselineOptions.DEFAULTS : baselineOptions;
        // Configs written before cbd4j's own CBD options existed ran without them.
        cbdOptions = cbdOptions == null ? CbdOptions.LEGACY : cbdOptions;
    }

    /**
     * Reads the {@code config} object of a run's {@code config.json}. Fields that did not exist
     * when an older run was written are filled in here, where "missing" can be told from "0"
     * (a 0 given on the command line is an error, not a request for the default): data options
     * and the attack and baseline options take today's defaults, and cbd4j's own CBD options
     * the behaviour runs had before them ({@link CbdOptions#LEGACY}).
     */
    public static RunConfig fromJson(com.fasterxml.jackson.databind.JsonNode config)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException("config.json has no \"config\" object (not a cbd4j run directory?)");
        }
        var mapper = org.cbd4j.report.Json.MAPPER;
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) config.deepCopy();
        if (!node.has("imageSize")) {
            node.put("imageSize", org.cbd4j.data.DataOptions.DEFAULTS.imageSize());
        }
        if (!node.has("channels")) {
            node.put("channels", org.cbd4j.data.DataOptions.DEFAULTS.channels());
        }
        fillMissing(node, "attackOptions", mapper.valueToTree(AttackOptions.DEFAULTS));
        fillMissing(node, "baselineOptions", mapper.valueToTree(BaselineOptions.DEFAULTS));
        fillMissing(node, "cbdOptions", mapper.valueToTree(CbdOptions.LEGACY));
        return mapper.treeToValue(node, RunConfig.class);
    }

    private static void fillMissing(com.fasterxml.jackson.databind.node.ObjectNode node, String field,
            com.fasterxml.jackson.databind.JsonNode defaults) {
        if (!(node.get(field) instanceof com.fasterxml.jackson.databind.node.ObjectNode options)) {
            node.set(field, defaults);
            return;
        }
        defaults.fields().forEachRemaining(e -> {
            if (!options.has(e.getKey())) {
                options.set(e.getKey(), e.getValue());
            }
        });
    }

    /** Defenses accepted by {@code --defense}. */
    public static final java.util.List<String> DEFENSES = Defenses.NAMES;

    /** Checks every name and range; the message names the flag. */
    public RunConfig validate() {
        if (!DatasetResolver.NAMES.contains(dataset)) {
            throw new IllegalArgumentException(
                    "unknown dataset '" + dataset + "'; known: " + String.join(", ", DatasetResolver.NAMES));
        }
        dataOptions();
        Attacks.create(attack, attackOptions);
        Models.validate(model);
        createDefense(); // an unknown name lists the known ones; each defense checks its own options
        if (!"none".equals(attack) && !(poisonRate > 0 && poisonRate <= 1)) {
            throw new IllegalArgumentException("--poison-rate must be in (0, 1], got " + poisonRate);
        }
        if (limitTrain < 0) {
            throw new IllegalArgumentException("--limit-train must be >= 0, got " + limitTrain);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("--weight-decay must be >= 0, got " + weightDecay);
        }
        trainConfig().validate();
        return this;
    }

    /** The same config writing to another directory (a resumed run that was moved). */
    public RunConfig withOut(String dir) {
        return new RunConfig(dataset, data, imageSize, channels, skipUnreadable, limitTrain, attack, poisonRate, target, allToAll, defense, fbEpochs, epochs,
                noMi, noReweight, paperWeighting, miLambda, criticLr, model, batchSize, lr, momentum, weightDecay, augment,
                flip, seed, attackOptions, baselineOptions, cbdOptions, dir);
    }

    /**
     * The config as {@code cbd train} flags without dashes (the keys of a {@code --config} file),
     * for {@code run-config.yaml}; unset optional values are left out.
     */
    public java.util.Map<String, Object> flags() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("dataset", dataset);
        if (data != null) {
            m.put("data", data);
        }
        m.put("image-size", imageSize);
        m.put("channels", channels);
        m.put("skip-unreadable", skipUnreadable);
        m.put("limit-train", limitTrain);
        m.put("attack", attack);
        m.put("poison-rate", poisonRate);
        m.put("target", target);
        m.put("all-to-all", allToAll);
        m.put("defense", defense);
        m.put("fb-epochs", fbEpochs == CbdConfig.AUTO ? "auto" : String.valueOf(fbEpochs));
        m.put("fb-max-epochs", cbdOptions.fbMaxEpochs());
        m.put("batch-weights", cbdOptions.batchWeights());
        m.put("no-intervention", !cbdOptions.intervention());
        m.put("intervention-rate", cbdOptions.interventionRate());
        m.put("inversion-steps", cbdOptions.inversionSteps());
        m.put("no-weight-gate", !cbdOptions.weightGate());
        m.put("epochs", epochs);
        m.put("no-mi", noMi);
        m.put("no-reweight", noReweight);
        m.put("paper-weighting", paperWeighting);
        m.put("mi-lambda", miLambda);
        m.put("critic-lr", criticLr);
        m.put("model", model);
        m.put("batch-size", batchSize);
        m.put("lr", lr);
        m.put("momentum", momentum);
        m.put("weight-decay", weightDecay);
        m.put("no-augment", !augment);
        m.put("no-flip", !flip);
        m.put("blend-alpha", attackOptions.blendAlpha());
        if (attackOptions.blendPattern() != null) {
            m.put("blend-pattern", attackOptions.blendPattern());
        }
        m.put("sig-delta", attackOptions.sigDelta());
        m.put("sig-frequency", attackOptions.sigFrequency());
        m.put("wanet-k", attackOptions.wanetK());
        m.put("wanet-s", attackOptions.wanetS());
        m.put("wanet-grid-rescale", attackOptions.wanetGridRescale());
        m.put("wanet-cross-ratio", attackOptions.wanetCrossRatio());
        m.put("helper-model", attackOptions.helperModel());
        m.put("helper-epochs", attackOptions.helperEpochs());
        m.put("trojan-size", attackOptions.trojanSize());
        m.put("trojan-steps", attackOptions.trojanSteps());
        m.put("lc-eps", attackOptions.lcEps());
        m.put("lc-step", attackOptions.lcStep());
        m.put("lc-steps", attackOptions.lcSteps());
        m.put("abl-isolation-epochs", baselineOptions.ablIsolationEpochs());
        m.put("abl-isolation-ratio", baselineOptions.ablIsolationRatio());
        m.put("abl-gamma", baselineOptions.ablGamma());
        m.put("abl-unlearn-epochs", baselineOptions.ablUnlearnEpochs());
        m.put("abl-unlearn-lr", baselineOptions.ablUnlearnLr());
        m.put("expected-poison-rate", baselineOptions.expectedPoisonRate());
        m.put("ac-dims", baselineOptions.acDims());
        m.put("ac-threshold", baselineOptions.acThreshold());
        m.put("seed", seed);
        if (out != null) {
            m.put("out", out);
        }
        return m;
    }

    /** How gtsrb and folder images are decoded. */
    public org.cbd4j.data.DataOptions dataOptions() {
        return new org.cbd4j.data.DataOptions(imageSize, channels, skipUnreadable);
    }

    public TrainConfig trainConfig() {
        Augmentation aug = augment ? Augmentation.reference(flip) : Augmentation.none();
        return new TrainConfig(epochs, batchSize, lr, momentum, weightDecay, aug, seed);
    }

    public CbdConfig cbdConfig() {
        return new CbdConfig(fbEpochs, !noMi, !noReweight, miLambda, criticLr, paperWeighting, cbdOptions);
    }

    /** The defense this config names. */
    public org.cbd4j.defense.Defense createDefense() {
        return Defenses.create(defense, cbdConfig(), baselineOptions);
    }

    public AttackConfig attackConfig() {
        return new AttackConfig(poisonRate, target, allToAll, seed);
    }
}
