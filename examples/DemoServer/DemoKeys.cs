namespace MongoSessions.Demo;

/// <summary>Finds the cookie signing secrets: the environment, a kept secret file, or a fresh one.</summary>
internal static class DemoKeys
{
    public const string EnvironmentVariable = "MONGOSESS_KEYS";
    /// <summary>The secret file of a sessions directory: beside it, never in it (see <see cref="SecretPath"/>).</summary>
    public const string SecretSuffix = ".secret";

    /// <summary>
    /// Where the kept secret lives: next to the sessions directory (<c>sessions</c> → <c>sessions.secret</c>), so that a
    /// copy of the sessions (a backup, an archive) does not carry the key that signs their cookies.
    /// </summary>
    public static string SecretPath(string sessionsDirectory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(sessionsDirectory)) + SecretSuffix;

    /// <summary>Returns the keyring and a line telling where its secrets came from (never the secrets).</summary>
    public static (Keyring Keys, string Source) Load(DemoStoreKind store, string sessionsDirectory)
    {
        string[] fromEnvironment = (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fromEnvironment.Length > 0)
        {
            return (new Keyring(fromEnvironment), $"keys: {fromEnvironment.Length} from {EnvironmentVariable}");
        }

        if (store == DemoStoreKind.Memory)
        {
            // sessions in memory die with the process anyway, so a key that does the same loses nothing
            return (new Keyring(Keyring.GenerateSecret()), "keys: generated for this run only (set MONGOSESS_KEYS to keep them)");
        }

        string path = SecretPath(sessionsDirectory);
        MoveSecretOutOfTheSessions(sessionsDirectory, path);
        return (new Keyring(ReadOrCreateSecret(path)), $"keys: kept in {path} (beside the sessions, not among them)");
    }

    // earlier versions kept the secret inside the sessions directory: move it out once, keeping its sessions valid
    private static void MoveSecretOutOfTheSessions(string sessionsDirectory, string path)
    {
        string old = Path.Combine(sessionsDirectory, SecretSuffix);
        if (File.Exists(old) && !File.Exists(path))
        {
            File.Move(old, path);
        }
        else if (File.Exists(old))
        {
            File.Delete(old);
        }
    }

    // kept next to the sessions so that a restart can still verify the cookies it signed before
    private static string ReadOrCreateSecret(string path)
    {
        if (!File.Exists(path))
        {
            CreateOwnerOnlyDirectory(Path.GetDirectoryName(path)!);
            string temporary = $"{path}.{Environment.ProcessId}.tmp";
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // owner-only from the first byte: the secret can forge any session cookie
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, create))
            {
                writer.Write(Keyring.GenerateSecret());
            }
            try
            {
                // an atomic rename: a crash leaves no half-written secret, and a concurrent start keeps the first one
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        string secret = File.ReadAllText(path).Trim();
        if (secret.Length == 0)
        {
            throw new InvalidDataException($"{path} is empty; delete it to generate a new secret (existing sessions will be lost)");
        }
        return secret;
    }

    // the sessions folder holds the secret and every session: only its owner needs to list it
    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
