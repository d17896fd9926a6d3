package org.cbd4j.attack;

import org.cbd4j.data.ImageDataset;

/** Writes small fixed pixel patterns (BadNets' grid, LC's corners) into images, on every channel. */
final class Patches {

    private Patches() {}

    /**
     * Writes {@code pattern} into image {@code i} of a pixel buffer shaped like {@code shape} with
     * its top-left at ({@code top}, {@code left}); {@code flipRows}/{@code flipCols} mirror it.
     */
    static void put(byte[] px, int i, ImageDataset shape, int[][] pattern, int top, int left, boolean flipRows,
            boolean flipCols) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        int ph = pattern.length;
        int pw = pattern[0].length;
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < ph; r++) {
                for (int q = 0; q < pw; q++) {
                    int v = pattern[flipRows ? ph - 1 - r : r][flipCols ? pw - 1 - q : q];
                    px[((i * c + ch) * h + top + r) * w + left + q] = (byte) v;
                }
            }
        }
    }
}
