package org.twintrain.ml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Loads what {@link TwinTrainModelWriter} saved: the Params from {@code metadata/} (saved defaults are kept,
 * as Spark's reader does, so a model behaves as when it was saved), the parameters from {@code data/}, then
 * checks that they fit the described network.
 */
final class TwinTrainModelReader extends MLReader<TwinTrainModel> {

    @Override
    public TwinTrainModel load(String path) {
        SparkSession spark = sparkSession();
        String metadataPath = new Path(path, "metadata").toString();
        JsonNode meta;
        try {
            meta = TwinTrainModelWriter.JSON.readTree(spark.read().text(metadataPath).first().getString(0));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed model metadata in " + metadataPath + ": "
                    + e.getOriginalMessage(), e);
        }
        String expected = TwinTrainModel.class.getName();
        if (!expected.equals(meta.path("class").asText())) {
            throw new IllegalArgumentException(path + " holds a " + meta.path("class").asText() + ", not a " + expected);
        }
        List<Row> rows = spark.read().parquet(new Path(path, "data").toString()).orderBy("index").collectAsList();
        List<Tensor> tensors = new ArrayList<>();
        for (Row r : rows) {
            List<Double> v = r.getList(r.fieldIndex("values"));
            double[] values = new double[v.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = v.get(i);
            }
            tensors.add(new Tensor(r.getString(r.fieldIndex("name")), r.getInt(r.fieldIndex("rows")),
                    r.getInt(r.fieldIndex("cols")), values));
        }
        TwinTrainModel model = new TwinTrainModel(meta.path("uid").asText(), tensors);
        apply(model, meta.path("defaultParamMap"), true, path);
        apply(model, meta.path("paramMap"), false, path);
        model.checkFits();
        return model;
    }

    private static void apply(TwinTrainModel model, JsonNode params, boolean asDefaults, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!model.hasParam(e.getKey())) {
                throw new IllegalArgumentException(path + ": unknown Param '" + e.getKey() + "' in the metadata");
            }
            Param<Object> p = model.getParam(e.getKey());
            Object value = p.jsonDecode(e.getValue().toString());
            if (asDefaults) {
                model.setDefault(p, value);
            } else {
                model.set(p, value);
            }
        }
    }
}
