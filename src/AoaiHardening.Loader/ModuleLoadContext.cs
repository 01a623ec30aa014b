using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace AoaiHardening.Loader
{
    /// <summary>
    /// The private load context of the module on PowerShell 7 (the "ALC loader" pattern). AoaiHardening.dll and the
    /// assemblies it ships (Azure.Core, Azure.Identity, MSAL, System.ClientModel, ...) load here, so another module that
    /// brought a different Azure.Core into PowerShell's default context, before or after us, does not collide with ours.
    /// Only the module's own types reach PowerShell: no Azure SDK type appears in a parameter or an output.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private static readonly object Gate = new object();
        private static ModuleLoadContext? _instance;

        private readonly string _directory;
        private readonly Dictionary<string, string> _platform;

        private ModuleLoadContext(string directory) : base("AoaiHardening", isCollectible: false)
        {
            _directory = directory;
            _platform = PlatformAssemblies();
        }

        /// <summary>
        /// Loads the module assembly into the private context, once per process: Import-Module -Force and a second
        /// import after Remove-Module get the same assembly (an assembly cannot be unloaded from a non-collectible context).
        /// </summary>
        /// <param name="directory">The module folder: AoaiHardening.dll and its dependencies.</param>
        public static Assembly LoadModule(string directory)
        {
            lock (Gate)
            {
                _instance ??= new ModuleLoadContext(Path.GetFullPath(directory));
                return _instance.LoadFromAssemblyPath(Path.Combine(_instance._directory, "AoaiHardening.dll"));
            }
        }

        /// <summary>The context the module loaded into, or null before the first import (for diagnostics and tests).</summary>
        public static AssemblyLoadContext? Current => _instance;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (string.IsNullOrEmpty(name)) return null;

            // The host's copy wins when it is new enough: PowerShell's own assemblies (System.Management.Automation
            // must be the host's, or PSObject and Cmdlet would be different types) and the framework, whose assemblies
            // are newer than the netstandard2.0 package copies we ship (System.Memory, System.Text.Json, ...).
            if (_platform.TryGetValue(name!, out var platformPath) && IsAtLeast(platformPath, assemblyName.Version))
                return null;

            var path = Path.Combine(_directory, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        private static bool IsAtLeast(string path, Version? wanted)
        {
            if (wanted == null) return true;
            try
            {
                return AssemblyName.GetAssemblyName(path).Version >= wanted;
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>The framework's and the host's assemblies (the trusted platform assemblies list), by simple name.</summary>
        private static Dictionary<string, string> PlatformAssemblies()
        {
            var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var file = Path.GetFileNameWithoutExtension(path);
                if (!result.ContainsKey(file)) result.Add(file, path);
            }
            return result;
        }
    }
}
