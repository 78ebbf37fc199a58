// The peer of bench/anonymize.bench.ts: ARX (https://arx.deidentifier.org, Apache 2.0) run through its public API
// on the same CSV and hierarchies: optimal algorithm (Flash), k-anonymity (k = 5), optionally distinct
// l-diversity on main_category, at most 4 % of records suppressed, ARX's loss metric (arithmetic mean). Times read → anonymize →
// write like ours. Only this driver is ours; ARX is built outside the repository and named by MAMORI_BENCH_ARX_JAR.
//
//   java -cp arx.jar:… ArxBench <in.csv> <hierarchy dir> <out.csv> <l (0 = none)>
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.deidentifier.arx.ARXAnonymizer;
import org.deidentifier.arx.ARXConfiguration;
import org.deidentifier.arx.ARXResult;
import org.deidentifier.arx.AttributeType;
import org.deidentifier.arx.AttributeType.Hierarchy;
import org.deidentifier.arx.Data;
import org.deidentifier.arx.DataHandle;
import org.deidentifier.arx.criteria.DistinctLDiversity;
import org.deidentifier.arx.criteria.KAnonymity;
import org.deidentifier.arx.metric.Metric;

public class ArxBench {
    public static void main(String[] args) throws Exception {
        String input = args[0];
        String dir = args[1];
        String output = args[2];
        int l = Integer.parseInt(args[3]);
        String[] qis = { "age", "gender", "postal_code", "delivery", "monthly_spend" };

        long start = System.nanoTime();
        Data data = Data.create(input, StandardCharsets.UTF_8, ',');
        data.getDefinition().setAttributeType("member_id", AttributeType.IDENTIFYING_ATTRIBUTE);
        for (String qi : qis) {
            data.getDefinition().setAttributeType(qi, Hierarchy.create(new File(dir, "arx-" + qi + ".csv"), StandardCharsets.UTF_8, ';'));
        }
        data.getDefinition().setAttributeType("main_category", l > 0 ? AttributeType.SENSITIVE_ATTRIBUTE : AttributeType.INSENSITIVE_ATTRIBUTE);

        ARXConfiguration config = ARXConfiguration.create();
        config.addPrivacyModel(new KAnonymity(5));
        if (l > 0) config.addPrivacyModel(new DistinctLDiversity("main_category", l));
        config.setSuppressionLimit(0.04d);
        config.setAlgorithm(ARXConfiguration.AnonymizationAlgorithm.OPTIMAL);
        // Loss metric, generalization and suppression weighed alike, averaged over the attributes: the metric of
        // docs/anonymization-engine.md (ARX's default aggregate, RANK, would compare the worst attribute first).
        config.setQualityModel(Metric.createLossMetric(0.5d, Metric.AggregateFunction.ARITHMETIC_MEAN));

        ARXResult result = new ARXAnonymizer().anonymize(data, config);
        DataHandle out = result.getOutput();
        out.save(output, ',');
        long ms = (System.nanoTime() - start) / 1_000_000;

        int suppressed = 0;
        for (int row = 0; row < out.getNumRows(); row++) if (out.isOutlier(row)) suppressed++;
        int[] levels = result.getGlobalOptimum().getTransformation();
        System.out.println("{\"ms\":" + ms + ",\"levels\":" + Arrays.toString(levels) + ",\"suppressed\":" + suppressed
                + ",\"anonymizeMs\":" + result.getTime() + "}");
    }
}
