package org.cbd4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-operator self time from a PyTorch profiler trace (Chrome-trace JSON, as written by
 * libtorch's profiler through DJL and by Python's {@code torch.autograd.profiler}), so cbd4j's and
 * the Python yardstick's steps can be compared op by op from the same kind of file.
 *
 * <p>Operators nest ({@code aten::conv2d} calls {@code aten::convolution} calls
 * {@code aten::mkldnn_convolution}); summing their durations would count the same microseconds
 * several times. Self time is an event's duration minus that of the events directly inside it on
 * the same thread, so the self times of one trace add up to the time spent in operators at all.
 */
public final class OpProfile {

    /** One operator's totals: calls, self time and inclusive time, in microseconds. */
    public record Op(String name, long calls, double selfMicros, double totalMicros) {}

    private final List<Op> ops;
    private final double selfTotal;

    private OpProfile(List<Op> ops) {
        this.ops = ops;
        this.selfTotal = ops.stream().mapToDouble(Op::selfMicros).sum();
    }

    /** Reads a trace file. */
    public static OpProfile read(Path traceJson) throws IOException {
        JsonNode root = Json.MAPPER.readTree(traceJson.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        if (!events.isArray()) {
            throw new IOException(traceJson + ": no traceEvents array (not a Chrome trace)");
        }
        List<double[]> spans = new ArrayList<>(); // {start, end, thread, nameIndex}
        List<String> names = new ArrayList<>();
        Map<String, Integer> nameIds = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        for (JsonNode e : events) {
            // Complete events only ("X"); Python's trace also holds CPU-instant and memory events.
            if (!"X".equals(e.path("ph").asText()) || !e.has("dur") || "cpu_instant_event".equals(e.path("cat").asText())) {
                continue;
            }
            String name = e.path("name").asText();
            if (name.startsWith("ProfilerStep") || name.startsWith("PyTorch Profiler")) {
                continue;
            }
            int id = nameIds.computeIfAbsent(name, k -> {
                names.add(k);
                return names.size() - 1;
            });
            String thread = e.path("pid").asText() + "/" + e.path("tid").asText();
            int t = threads.computeIfAbsent(thread, k -> threads.size());
            double ts = e.path("ts").asDouble();
            spans.add(new double[] {ts, ts + e.path("dur").asDouble(), t, id});
        }
        return new OpProfile(selfTimes(spans, names));
    }

    /** Nests the spans per thread by start time (longest first on ties) and subtracts children. */
    static List<Op> selfTimes(List<double[]> spans, List<String> names) {
        spans.sort(Comparator.<double[]>comparingDouble(s -> s[2]).thenComparingDouble(s -> s[0])
                .thenComparingDouble(s -> -s[1]));
        double[] self = new double[names.size()];
        double[] total = new double[names.size()];
        long[] calls = new long[names.size()];
        Deque<double[]> open = new ArrayDeque<>(); // {end, nameIndex, childTime}
        double thread = -1;
        for (double[] s : spans) {
            if (s[2] != thread) {
                closeAll(open, self);
                thread = s[2];
            }
            while (!open.isEmpty() && open.peek()[0] <= s[0]) {
                close(open, self);
            }
            int id = (int) s[3];
            double dur = s[1] - s[0];
            calls[id]++;
            total[id] += dur;
            if (!open.isEmpty()) {
                open.peek()[2] += dur;
            }
            open.push(new double[] {s[1], id, 0, dur});
        }
        closeAll(open, self);
        List<Op> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new Op(names.get(i), calls[i], self[i], total[i]));
        }
        out.sort(Comparator.comparingDouble(Op::selfMicros).reversed());
        return out;
    }

    private static void close(Deque<double[]> open, double[] self) {
        double[] o = open.pop();
        self[(int) o[1]] += Math.max(0, o[3] - o[2]);
    }

    private static void closeAll(Deque<double[]> open, double[] self) {
        while (!open.isEmpty()) {
            close(open, self);
        }
    }

    /** Operators by self time, largest first. */
    public List<Op> ops() {
        return ops;
    }

    /** Sum of all self times, in microseconds. */
    public double selfTotalMicros() {
        return selfTotal;
    }

    /** Self time per operator name, in microseconds. */
    public Map<String, Double> selfByName() {
        Map<String, Double> m = new LinkedHashMap<>();
        ops.forEach(o -> m.put(o.name(), o.selfMicros()));
        return m;
    }

    /**
     * A Markdown table of the {@code top} operators by self time, per image ({@code images} the
     * number of images the trace covers), with each one's share of all operator time.
     */
    public String table(int top, long images) {
        StringBuilder b = new StringBuilder("| operator | calls/img | self µs/img | share |\n| --- | --- | --- | --- |\n");
        for (Op o : ops.subList(0, Math.min(top, ops.size()))) {
            b.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.1f %% |%n", o.name(), (double) o.calls() / images,
                    o.selfMicros() / images, 100 * o.selfMicros() / selfTotal));
        }
        b.append(String.format(Locale.ROOT, "| all operators | %.1f | %.1f | 100 %% |%n",
                (double) ops.stream().mapToLong(Op::calls).sum() / images, selfTotal / images));
        return b.toString();
    }
}
