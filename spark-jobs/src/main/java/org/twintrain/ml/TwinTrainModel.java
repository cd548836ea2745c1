package org.twintrain.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.twintrain.engine.Shape;
import org.twintrain.sharing.arith.DoubleMatrix;

/**
 * A trained TwinTrain classifier as a Spark ML {@link Model}: {@link #transform} runs the training engine's
 * forward pass in double precision over batches of rows and appends {@code rawPrediction} (logits, a vector),
 * {@code probability} (their softmax, a vector) and {@code prediction} (the class index, a double), so it
 * works in a {@link org.apache.spark.ml.Pipeline} and with MLlib's evaluators. Features may be
 * {@code array<float>}, {@code array<double>} (any numeric element type) or an ML vector, of exactly the
 * model's input size, channel-major (c*H*W + h*W + w) as everywhere in TwinTrain.
 *
 * <p>Params: the column names and batch size, which a user may set, and the model's public description
 * (architecture, width, depth, input shape, classes, batch norm, fractional bits, approximations, run and data
 * set ids), which only {@link #create} and {@link #load} set. The parameter values are not Params: they live
 * in the {@code data/} folder, never in the JSON metadata.
 *
 * <p>Persistence is Spark's layout: {@code PATH/metadata/} (one JSON line: class, timestamp, sparkVersion,
 * uid, paramMap, defaultParamMap, as Spark's DefaultParamsWriter writes it) and {@code PATH/data/} (Parquet of
 * (index, name, rows, cols, values)); see {@link TwinTrainModelWriter}.
 */
public final class TwinTrainModel extends Model<TwinTrainModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final List<Tensor> tensors;

    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;
    private final IntParam batchSize;

    private final Param<String> architecture;
    private final DoubleParam width;
    private final IntParam depth;
    private final IntArrayParam inputShape;
    private final IntParam classes;
    private final BooleanParam batchNorm;
    private final IntParam fractionalBits;
    private final StringArrayParam approximations;
    private final Param<String> runId;
    private final Param<String> datasetId;

    TwinTrainModel(String uid, List<Tensor> tensors) {
        this.uid = uid;
        this.tensors = List.copyOf(tensors);
        featuresCol = new Param<>(this, "featuresCol", "features column: array of numbers or ML vector");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name (empty: not written)");
        probabilityCol = new Param<>(this, "probabilityCol", "softmax of the logits (empty: not written)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "the logits (empty: not written)");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass inside a task", ParamValidators.gtEq(1));
        architecture = new Param<>(this, "architecture", "engine model name (logreg, secureml, cnn, resnet18, resnet)");
        width = new DoubleParam(this, "width", "width multiplier of the architecture", ParamValidators.gt(0));
        depth = new IntParam(this, "depth", "depth parameter of the architecture", ParamValidators.gtEq(1));
        inputShape = new IntArrayParam(this, "inputShape", "shape of one example: channels, height, width");
        classes = new IntParam(this, "classes", "number of output classes", ParamValidators.gtEq(2));
        batchNorm = new BooleanParam(this, "batchNorm", "whether the network has batch-norm layers");
        fractionalBits = new IntParam(this, "fractionalBits", "fixed-point fractional bits of training (0: cleartext)",
                ParamValidators.gtEq(0));
        approximations = new StringArrayParam(this, "approximations", "approximation settings of the training run");
        runId = new Param<>(this, "runId", "training run id");
        datasetId = new Param<>(this, "datasetId", "training data set id");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(batchSize, 256);
    }

    /**
     * A model of the given description and parameters (by name, in the network's order). Fails with a message
     * naming the parameter when they do not fit the described network.
     */
    public static TwinTrainModel create(ModelDescription description, Map<String, DoubleMatrix> parameters) {
        List<Tensor> ts = new ArrayList<>();
        parameters.forEach((name, m) -> ts.add(Tensor.of(name, m)));
        TwinTrainModel model = new TwinTrainModel(Identifiable$.MODULE$.randomUID("twintrain"), ts);
        model.describeAs(description);
        model.checkFits();
        return model;
    }

    private void describeAs(ModelDescription d) {
        set(architecture, d.architecture());
        set(width, d.width());
        set(depth, d.depth());
        Shape s = d.inputShape();
        set(inputShape, new int[] {s.channels(), s.height(), s.width()});
        set(classes, d.classes());
        set(batchNorm, d.batchNorm());
        set(fractionalBits, d.fractionalBits());
        set(approximations, d.approximations().toArray(new String[0]));
        set(runId, d.runId());
        set(datasetId, d.datasetId());
    }

    /** Builds the network once on the driver, so that a model that cannot run is refused at once. */
    void checkFits() {
        Networks.load(description(), tensors);
    }

    // ---- persistence -------------------------------------------------------------------------------------

    public static MLReader<TwinTrainModel> read() {
        return new TwinTrainModelReader();
    }

    public static TwinTrainModel load(String path) {
        return read().load(path);
    }

    @Override
    public MLWriter write() {
        return new TwinTrainModelWriter(this);
    }

    List<Tensor> tensors() {
        return tensors;
    }

    // ---- Params ------------------------------------------------------------------------------------------

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> architecture() {
        return architecture;
    }

    public DoubleParam width() {
        return width;
    }

    public IntParam depth() {
        return depth;
    }

    public IntArrayParam inputShape() {
        return inputShape;
    }

    public IntParam classes() {
        return classes;
    }

    public BooleanParam batchNorm() {
        return batchNorm;
    }

    public IntParam fractionalBits() {
        return fractionalBits;
    }

    public StringArrayParam approximations() {
        return approximations;
    }

    public Param<String> runId() {
        return runId;
    }

    public Param<String> datasetId() {
        return datasetId;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getProbabilityCol() {
        return getOrDefault(probabilityCol);
    }

    public String getRawPredictionCol() {
        return getOrDefault(rawPredictionCol);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public TwinTrainModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public TwinTrainModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public TwinTrainModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public TwinTrainModel setRawPredictionCol(String value) {
        set(rawPredictionCol, value);
        return this;
    }

    public TwinTrainModel setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /** The model's public description, read back from its Params. */
    public ModelDescription description() {
        int[] s = getOrDefault(inputShape);
        return new ModelDescription(getOrDefault(architecture), (Double) getOrDefault(width),
                (Integer) getOrDefault(depth), new Shape(s[0], s[1], s[2]), (Integer) getOrDefault(classes),
                (Boolean) getOrDefault(batchNorm), (Integer) getOrDefault(fractionalBits),
                Arrays.asList(getOrDefault(approximations)), getOrDefault(runId), getOrDefault(datasetId));
    }

    /** Copies of the parameters by name, in the network's order. */
    public Map<String, DoubleMatrix> parameters() {
        Map<String, DoubleMatrix> out = new LinkedHashMap<>();
        tensors.forEach(t -> out.put(t.name(), t.toMatrix()));
        return out;
    }

    /** Parameter names in the network's order. */
    public List<String> parameterNames() {
        return tensors.stream().map(Tensor::name).toList();
    }

    /** Number of stored values (weights and buffers). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors) {
            n += t.values().length;
        }
        return n;
    }

    @Override
    public long estimatedSize() {
        return 8L * parameterCount();
    }

    // ---- Transformer -------------------------------------------------------------------------------------

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = getFeaturesCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException("features column '" + in + "' not found; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(in).dataType();
        boolean numericArray = type instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!numericArray && !type.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("features column '" + in + "' has type " + type.simpleString()
                    + "; expected an array of numbers or an ML vector");
        }
        StructType out = schema;
        out = append(out, getRawPredictionCol(), SQLDataTypes.VectorType());
        out = append(out, getProbabilityCol(), SQLDataTypes.VectorType());
        out = append(out, getPredictionCol(), DataTypes.DoubleType);
        return out;
    }

    private static StructType append(StructType schema, String name, DataType type) {
        if (name.isEmpty()) {
            return schema;
        }
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists; set another name");
        }
        return schema.add(new StructField(name, type, false, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
        // One copy of the parameters per executor, not one per task.
        Broadcast<List<Tensor>> shared = jsc.broadcast(tensors);
        BatchScorer scorer = new BatchScorer(description(), shared, df.schema().fieldIndex(getFeaturesCol()),
                getFeaturesCol(), getBatchSize(), !getRawPredictionCol().isEmpty(), !getProbabilityCol().isEmpty(),
                !getPredictionCol().isEmpty());
        return df.mapPartitions(scorer, Encoders.row(out));
    }

    @Override
    public TwinTrainModel copy(ParamMap extra) {
        TwinTrainModel copy = copyValues(new TwinTrainModel(uid, tensors), extra);
        return copy.setParent(parent());
    }

    @Override
    public String toString() {
        return "TwinTrainModel: uid=" + uid + ", " + description().describe() + ", values=" + parameterCount();
    }
}
