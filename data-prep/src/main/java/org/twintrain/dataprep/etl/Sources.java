package org.twintrain.dataprep.etl;

import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code sources} entry of the manifest: path, size and SHA-256 of every input file, hashed in Spark tasks. */
final class Sources {
    private Sources() {
    }

    static ArrayNode checksums(List<Path> files, Configuration conf, JavaSparkContext jsc) {
        HadoopConf hconf = new HadoopConf(conf);
        List<String> paths = new ArrayList<>();
        for (Path p : files) {
            paths.add(p.toString());
        }
        List<String[]> sums = jsc.parallelize(paths, Math.max(1, paths.size())).map(path -> {
            FileSystem fs = hconf.fs(path);
            Path p = new Path(path);
            return new String[] {path, Long.toString(fs.getFileStatus(p).getLen()), Manifest.sha256(fs, p)};
        }).collect();
        ArrayNode out = Manifest.JSON.createArrayNode();
        for (String[] s : sums) {
            ObjectNode node = out.addObject();
            node.put("path", s[0]);
            node.put("bytes", Long.parseLong(s[1]));
            node.put("sha256", s[2]);
        }
        return out;
    }
}
