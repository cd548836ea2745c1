package org.twintrain.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Saves a {@link TwinTrainModel} in Spark ML's layout. Spark's {@code DefaultParamsWriter} is
 * {@code private[ml]} (callable from Java only by accident of bytecode), so this writes the same thing through
 * public API: {@code metadata/} is a text file of one JSON line with {@code class}, {@code timestamp},
 * {@code sparkVersion}, {@code uid}, {@code paramMap} (explicitly set Params) and {@code defaultParamMap},
 * each value encoded by its {@link Param#jsonEncode}; Spark's own reader parses it. {@code data/} is Parquet
 * with one row per parameter: (index, name, rows, cols, values), values row-major.
 */
final class TwinTrainModelWriter extends MLWriter {
    static final ObjectMapper JSON = new ObjectMapper();
    static final StructType DATA_SCHEMA = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("name", DataTypes.StringType, false)
            .add("rows", DataTypes.IntegerType, false)
            .add("cols", DataTypes.IntegerType, false)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

    private final TwinTrainModel model;

    TwinTrainModelWriter(TwinTrainModel model) {
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        SparkSession spark = sparkSession();
        String json = metadataJson(model, spark.version());
        StructType text = new StructType().add("value", DataTypes.StringType, false);
        spark.createDataFrame(List.of(RowFactory.create(json)), text).coalesce(1).write()
                .text(new Path(path, "metadata").toString());
        List<Row> rows = new ArrayList<>();
        List<Tensor> tensors = model.tensors();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            rows.add(RowFactory.create(i, t.name(), t.rows(), t.cols(), t.values()));
        }
        spark.createDataFrame(rows, DATA_SCHEMA).coalesce(1).write().parquet(new Path(path, "data").toString());
    }

    /** The metadata line; Params only, so it holds no parameter value. */
    static String metadataJson(TwinTrainModel model, String sparkVersion) {
        ObjectNode root = JSON.createObjectNode();
        root.put("class", model.getClass().getName());
        root.put("timestamp", System.currentTimeMillis());
        root.put("sparkVersion", sparkVersion);
        root.put("uid", model.uid());
        ObjectNode set = root.putObject("paramMap");
        ObjectNode defaults = root.putObject("defaultParamMap");
        for (Param<?> p : model.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> param = (Param<Object>) p;
            try {
                if (model.isSet(param)) {
                    set.set(param.name(), JSON.readTree(param.jsonEncode(model.get(param).get())));
                }
                if (model.hasDefault(param)) {
                    defaults.set(param.name(), JSON.readTree(param.jsonEncode(model.getDefault(param).get())));
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("Param " + param.name() + " did not encode as JSON", e);
            }
        }
        return root.toString();
    }
}
