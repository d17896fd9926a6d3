/**
 * Datasets held in memory as uint8 (N, C, H, W) images with int labels, the readers for the on-disk
 * formats (IDX, CIFAR-10 binary) and the resolver that turns a dataset name into local files
 * (explicit directory, Debian package, or a checksum-verified download).
 */
package org.cbd4j.data;
