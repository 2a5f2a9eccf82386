using Microsoft.ML;
using Microsoft.ML.Data;

namespace Tailor.Analytics.Propensity;

/// <summary>The shape ML.NET reads: a label and a fixed-length feature vector (its length set per schema).</summary>
internal sealed class ModelRow
{
    public bool Label { get; set; }

    public float[] Features { get; set; } = [];

    public static SchemaDefinition Schema(int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(ModelRow));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }
}
