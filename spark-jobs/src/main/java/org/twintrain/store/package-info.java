/**
 * Each server's store: its own root (a folder, an HDFS cluster or a bucket) holding its half of the shared
 * data sets, its triples and its model shares, each with a versioned manifest. A store never holds anything
 * of the other server's half. Written atomically: a folder is complete exactly when its manifest exists,
 * and the manifest is written last, after a rename from a temporary sibling.
 */
package org.twintrain.store;
