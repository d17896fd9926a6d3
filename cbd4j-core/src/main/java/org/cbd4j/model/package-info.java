/**
 * Architectures. Every model is a {@link org.cbd4j.model.ClassifierBlock} whose forward pass returns
 * {@code NDList(logits, embedding)}: CBD's critic reads the penultimate embedding of both networks.
 */
package org.cbd4j.model;
