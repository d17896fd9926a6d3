package org.cbd4j.data;

/**
 * A dataset's training and test sets plus where they came from.
 *
 * @param train the training images
 * @param test the test images
 * @param source the files they were read from, for provenance
 */
public record TrainTestSplit(ImageDataset train, ImageDataset test, DataSource source) {}
