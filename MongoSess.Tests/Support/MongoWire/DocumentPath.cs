using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The values a dotted path reaches in a document, as MongoDB's matcher sees them: a path through an array of documents
/// reaches into each element, and an array at the end counts as itself and as each of its elements.
/// </summary>
internal static class DocumentPath
{
    public static List<BsonValue> Values(BsonDocument document, string path)
    {
        var output = new List<BsonValue>();
        Collect(document, path.Split('.'), 0, output);
        return output;
    }

    private static void Collect(BsonValue current, string[] parts, int i, List<BsonValue> output)
    {
        if (i == parts.Length)
        {
            output.Add(current);
            if (current is BsonArray array)
            {
                output.AddRange(array);
            }
            return;
        }
        switch (current)
        {
            case BsonDocument d when d.TryGetValue(parts[i], out var next):
                Collect(next, parts, i + 1, output);
                break;
            case BsonArray a:
                if (int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
                {
                    if (index < a.Count)
                    {
                        Collect(a[index], parts, i + 1, output);
                    }
                    break;
                }
                foreach (var element in a)
                {
                    if (element is BsonDocument)
                    {
                        Collect(element, parts, i, output);
                    }
                }
                break;
        }
    }
}
