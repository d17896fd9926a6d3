package org.cbd4j.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Registry from {@code --model} names to architectures. */
public final class Models {

    /** Names listed by the CLI; {@code wrn-D-K} accepts any valid depth and width. */
    public static final List<String> NAMES = List.of("wrn-16-1", "wrn-D-K", "preact-resnet18", "resnet18", "resnet34", "small-cnn",
            "tiny-cnn");

    private static final Pattern WRN = Pattern.compile("wrn-(\\d+)-(\\d+)");

    private Models() {}

    /** Creates an uninitialised model for {@code numClasses} classes. */
    public static ClassifierBlock create(String name, int numClasses) {
        Matcher m = WRN.matcher(name);
        if (m.matches()) {
            return WideResNet.create(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), numClasses);
        }
        return switch (name) {
            case "preact-resnet18" -> ResNet.preAct18(numClasses);
            case "resnet18" -> ResNet.basic(new int[] {2, 2, 2, 2}, numClasses);
            case "resnet34" -> ResNet.basic(new int[] {3, 4, 6, 3}, numClasses);
            case "small-cnn" -> SmallCnn.create(16, numClasses);
            case "tiny-cnn" -> SmallCnn.create(8, numClasses);
            default -> throw new IllegalArgumentException(
                    "unknown model '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    /** Throws IllegalArgumentException for an unknown name, without building anything. */
    public static void validate(String name) {
        Matcher m = WRN.matcher(name);
        if (m.matches()) {
            WideResNet.checkShape(parse(m.group(1)), parse(m.group(2)));
        } else if (!NAMES.contains(name) || name.equals("wrn-D-K")) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    private static int parse(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1; // more digits than an int: refused by checkShape
        }
    }
}
