package org.cbd4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A dataset's training and test sets plus where they came from.
 *
 * @param train the training images
 * @param test the test images
 * @param source the files they were read from, for provenance
 */
public record TrainTestSplit(ImageDataset train, ImageDataset test, DataSource source) {

    /**
     * Splits indices per class, seeded: of each class's images, {@code round(testShare * n)} (at
     * least one when the class has two or more) go to the test set.
     *
     * @return {train indices, test indices}, each ascending
     */
    public static int[][] stratified(int[] labels, int numClasses, double testShare, long seed) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        Random rnd = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, rnd);
            int n = members.size();
            int k = n < 2 ? 0 : Math.max(1, (int) Math.round(testShare * n));
            test.addAll(members.subList(0, k));
            train.addAll(members.subList(k, n));
        }
        return new int[][] {train.stream().mapToInt(Integer::intValue).sorted().toArray(),
            test.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }
}
