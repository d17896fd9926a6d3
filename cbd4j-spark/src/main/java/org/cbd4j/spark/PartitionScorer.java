package org.cbd4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import org.cbd4j.data.DatasetFormatException;
import org.cbd4j.data.DecodedImage;
import org.cbd4j.data.ImageDataset;
import org.cbd4j.data.ImageDecoder;
import org.cbd4j.model.ServingSpec;
import org.cbd4j.pipeline.CbdScorer;

/**
 * Scores one partition of {@link AuditInputs#SCHEMA} rows: one {@link CbdScorer} per partition,
 * loaded from the run directory when the partition's first row arrives and closed when its last
 * row has been handed on (or when the task ends otherwise). Rows are decoded with cbd4j's
 * {@link ImageDecoder}, brought to the run's input shape as training saw them
 * ({@link ServingSpec#pixels}: resized when the run resized), and scored {@code batch} at a time
 * as one {@link ImageDataset}; the output iterator is lazy, so a partition is never held whole.
 *
 * <p>An image that cannot be read or decoded, has the wrong shape, or a label that is not one of
 * the run's classes becomes a row with the reason (starting with its location) in {@code error}
 * and nulls for the scores; it never fails the task.
 *
 * <p>The output's {@code seq} is {@code partition << 32 | position}: unique, and the same when
 * Spark recomputes the partition, so the driver's flags can be matched back to the rows.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** seq, id, label, suspicion, loss_fb, loss_fc, error. */
    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("seq", DataTypes.LongType, false),
        DataTypes.createStructField("id", DataTypes.StringType, true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("suspicion", DataTypes.FloatType, true),
        DataTypes.createStructField("loss_fb", DataTypes.FloatType, true),
        DataTypes.createStructField("loss_fc", DataTypes.FloatType, true),
        DataTypes.createStructField("error", DataTypes.StringType, true)});

    private final String run;
    private final int batch;
    private final HadoopSettings hadoop;

    PartitionScorer(String run, int batch, HadoopSettings hadoop) {
        this.run = run;
        this.batch = batch;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Scoring(input);
    }

    /** A row that could not be scored: the reason, no scores. */
    private static Row failed(long seq, Row in, Integer label, String error) {
        return RowFactory.create(seq, in.getString(0), label, null, null, null, error);
    }

    /** The lazy output of one partition. */
    private final class Scoring implements Iterator<Row> {

        private final Iterator<Row> input;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private final long base;
        private long position;
        private CbdScorer scorer;

        Scoring(Iterator<Row> input) {
            this.input = input;
            TaskContext task = TaskContext.get();
            this.base = task == null ? 0 : (long) task.partitionId() << 32;
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) t -> close());
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                fill();
            }
            if (ready.isEmpty()) {
                close();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void close() {
            if (scorer != null) {
                scorer.close();
                scorer = null;
            }
        }

        /** Reads, decodes and scores the next {@code batch} rows. */
        private void fill() {
            if (scorer == null) {
                IntraOpThreads.choose();
                try {
                    scorer = CbdScorer.load(Path.of(run));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot load the run's models from " + run + ": " + e.getMessage(), e);
                }
            }
            ServingSpec spec = scorer.spec();
            List<Row> rows = new ArrayList<>(batch);
            while (rows.size() < batch && input.hasNext()) {
                rows.add(input.next());
            }
            Row[] out = new Row[rows.size()];
            byte[] pixels = new byte[rows.size() * spec.imageSize()];
            int[] labels = new int[rows.size()];
            int[] slot = new int[rows.size()];
            long[] seqs = new long[rows.size()];
            int n = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row in = rows.get(i);
                seqs[i] = base | position++;
                String where = where(in);
                Integer label = null;
                Path file = null;
                try {
                    label = label(in, spec);
                    file = Path.of(where.replace('\0', '_'));
                    DecodedImage img = ImageDecoder.decode(file, bytes(in));
                    System.arraycopy(spec.pixels(file, img), 0, pixels, n * spec.imageSize(), spec.imageSize());
                    labels[n] = label;
                    slot[n++] = i;
                } catch (DatasetFormatException e) {
                    out[i] = failed(seqs[i], in, label, where + ": " + reason(e, file));
                } catch (java.nio.file.FileSystemException e) { // the message is only the path
                    out[i] = failed(seqs[i], in, label, where + ": cannot read (" + (e.getReason() != null ? e.getReason()
                            : e.getClass().getSimpleName()) + ")");
                } catch (IOException | RuntimeException e) {
                    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    out[i] = failed(seqs[i], in, label, where + ": " + m.lines().findFirst().orElse(m));
                }
            }
            if (n > 0) {
                ImageDataset images = new ImageDataset(Arrays.copyOf(pixels, n * spec.imageSize()), Arrays.copyOf(labels, n),
                        spec.channels(), spec.height(), spec.width(), spec.numClasses());
                CbdScorer.Scores s = scorer.scores(images);
                for (int k = 0; k < n; k++) {
                    int i = slot[k];
                    out[i] = RowFactory.create(seqs[i], rows.get(i).getString(0), labels[k], s.suspicion()[k], s.lossB()[k],
                            s.lossC()[k], null);
                }
            }
            ready.addAll(Arrays.asList(out));
        }

        /** Where the image is, for messages: its file, or its id in a table. */
        private String where(Row in) {
            String location = in.getString(3);
            if (location != null) {
                return location;
            }
            return in.getString(0) == null ? "(row without id)" : in.getString(0);
        }

        /** The problem without the path that {@link DatasetFormatException} put in front. */
        private String reason(DatasetFormatException e, Path file) {
            String m = e.getMessage();
            return file != null && m.startsWith(file + ": ") ? m.substring(file.toString().length() + 2) : m;
        }

        /** The class index of a row: its index, checked, or its class name looked up in the run's. */
        private int label(Row in, ServingSpec spec) throws IOException {
            if (!in.isNullAt(1)) {
                int l = in.getInt(1);
                if (l < 0 || l >= spec.numClasses()) {
                    throw new IOException(String.format(Locale.ROOT, "label %d is outside the run's classes 0..%d", l,
                            spec.numClasses() - 1));
                }
                return l;
            }
            if (!in.isNullAt(2)) {
                int l = spec.classNames().indexOf(in.getString(2));
                if (l < 0) {
                    throw new IOException("label '" + in.getString(2) + "' is not one of the run's classes ("
                            + String.join(", ", spec.classNames()) + ")");
                }
                return l;
            }
            throw new IOException("no label");
        }

        /** The image file's bytes: in the row, or read from its location. */
        private byte[] bytes(Row in) throws IOException {
            if (!in.isNullAt(4)) {
                return (byte[]) in.get(4);
            }
            String location = in.getString(3);
            if (location == null) {
                throw new IOException("no image bytes");
            }
            return AuditInputs.readFile(location, hadoop.get());
        }
    }
}
