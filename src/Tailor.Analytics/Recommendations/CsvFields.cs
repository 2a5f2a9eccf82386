using System.Text;

namespace Tailor.Analytics.Recommendations;

/// <summary>Splits one CSV line into fields (RFC 4180: quoted fields may hold commas and doubled quotes; a quoted field spanning lines is not supported).</summary>
internal static class CsvFields
{
    public static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString().TrimEnd('\r'));
        return fields;
    }
}
