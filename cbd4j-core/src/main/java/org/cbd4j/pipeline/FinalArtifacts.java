package org.cbd4j.pipeline;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.cbd4j.attack.PoisonedData;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.TrainTestSplit;
import org.cbd4j.eval.Evaluator;
import org.cbd4j.eval.Metrics;
import org.cbd4j.model.Network;
import org.cbd4j.report.AtomicFiles;
import org.cbd4j.report.Pca;
import org.cbd4j.report.RunDirectory;
import org.cbd4j.train.Seeds;

/**
 * What a run writes about its final networks besides the headline metrics, for the HTML report
 * (docs/METHOD.md §5): {@code confusion.csv}, the final model's confusion matrices on the clean and
 * the triggered test set, and {@code embeddings.csv}, each network's penultimate embedding of a
 * seeded class-stratified sample of training images projected on its own first two principal
 * components.
 */
public final class FinalArtifacts {

    public static final String CONFUSION = "confusion.csv";
    public static final String EMBEDDINGS = "embeddings.csv";
    /** Training images drawn for {@link #EMBEDDINGS}. */
    public static final int EMBEDDING_SAMPLE = 1000;

    private FinalArtifacts() {}

    /**
     * The final model's evaluation.
     *
     * @param metrics CA, ASR and RA (ASR and RA NaN without a triggered test set)
     * @param clean counts by (true class, predicted class) on the clean test set
     * @param triggered the same on the triggered test set, rows by the image's true class; null
     *     when there is no triggered set
     */
    public record Evaluation(double[] metrics, long[][] clean, long[][] triggered) {}

    /** Evaluates {@code net} once on both test sets: metrics and confusion matrices. */
    public static Evaluation evaluate(Network net, TrainTestSplit split, PoisonedData pd) {
        ImageDataset test = split.test();
        int[] clean = Evaluator.predict(net, test, Experiment.EVAL_BATCH).classes();
        long[][] cleanCounts = confusion(test.labels(), clean, test.numClasses());
        double ca = Metrics.cleanAccuracy(clean, test.labels());
        if (pd.triggeredTest().size() == 0) {
            return new Evaluation(new double[] {ca, Double.NaN, Double.NaN}, cleanCounts, null);
        }
        int[] trig = Evaluator.predict(net, pd.triggeredTest(), Experiment.EVAL_BATCH).classes();
        return new Evaluation(new double[] {ca, Metrics.attackSuccessRate(trig, pd.triggeredTest().labels()),
            Metrics.robustAccuracy(trig, pd.triggeredTrueLabels())},
                cleanCounts, confusion(pd.triggeredTrueLabels(), trig, test.numClasses()));
    }

    /** Counts of (truth, prediction) pairs. */
    static long[][] confusion(int[] truth, int[] predicted, int classes) {
        long[][] m = new long[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    /** {@code set,true_class,predicted_class,count}: every cell of each matrix, set {@code clean} then {@code triggered}. */
    public static void writeConfusion(RunDirectory run, Evaluation e) throws IOException {
        StringBuilder sb = new StringBuilder("set,true_class,predicted_class,count\n");
        append(sb, "clean", e.clean());
        if (e.triggered() != null) {
            append(sb, "triggered", e.triggered());
        }
        AtomicFiles.write(run.file(CONFUSION), sb.toString());
    }

    private static void append(StringBuilder sb, String set, long[][] m) {
        for (int t = 0; t < m.length; t++) {
            for (int p = 0; p < m[t].length; p++) {
                sb.append(set).append(',').append(t).append(',').append(p).append(',').append(m[t][p]).append('\n');
            }
        }
    }

    /** The networks drawn in {@link #EMBEDDINGS}: CBD's f_B, then the final model. */
    public static List<Network> embedded(org.cbd4j.defense.DefenseResult result) {
        List<Network> nets = new java.util.ArrayList<>();
        if (result.auxiliary().containsKey("f_B")) {
            nets.add(result.auxiliary().get("f_B"));
        }
        nets.add(result.model());
        return nets;
    }

    /**
     * {@code index,label,poisoned,net,pc1,pc2}: for each of {@code nets} in order, the training
     * images of a class-stratified sample of {@link #EMBEDDING_SAMPLE} (drawn from the run's seed)
     * with their coordinates on that network's own first two principal components.
     */
    public static void writeEmbeddings(RunDirectory run, List<Network> nets, ImageDataset train, boolean[] poisoned,
            long seed) throws IOException {
        int[] idx = train.stratifiedIndices(EMBEDDING_SAMPLE, Seeds.forEpoch(seed, "report/embedding-sample", 0));
        ImageDataset sample = train.select(idx);
        StringBuilder sb = new StringBuilder("index,label,poisoned,net,pc1,pc2\n");
        for (Network net : nets) {
            float[][] z = Evaluator.embeddings(net, sample, Experiment.EVAL_BATCH);
            int dims = z.length == 0 ? 0 : z[0].length;
            double[][] pc = dims == 0 ? new double[z.length][2] : Pca.project(z, Math.min(2, dims)).coordinates();
            for (int k = 0; k < idx.length; k++) {
                sb.append(idx[k]).append(',').append(sample.label(k)).append(',').append(poisoned[idx[k]] ? 1 : 0)
                        .append(',').append(net.name()).append(',')
                        .append(String.format(Locale.ROOT, "%.6g,%.6g", pc[k][0], pc[k].length > 1 ? pc[k][1] : 0.0))
                        .append('\n');
            }
        }
        AtomicFiles.write(run.file(EMBEDDINGS), sb.toString());
    }
}
