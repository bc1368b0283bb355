// Prints, for every struct declared in the agent's P/Invoke classes
// (TfWin.Windows.Interop.*), C11 static assertions of its size and field
// offsets as the .NET marshaller lays it out on this (64-bit) runtime.
// scripts/interop-check.sh compiles them against the Windows SDK headers
// with mingw-w64 for x86_64, so any disagreement fails the build. The C
// names are the C# names: declarations use the SDK's struct and field names.
using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TfWin.InteropCheck
{
    public static class InteropLayout
    {
        public static int Main(string[] args)
        {
            if (IntPtr.Size != 8)
            {
                Console.Error.WriteLine("interop-check: needs a 64-bit runtime (IntPtr is " + IntPtr.Size + " bytes)");
                return 1;
            }
            Type root = typeof(TfWin.Windows.Interop);
            List<Type> structs = new List<Type>();
            Collect(root, structs);
            structs.Sort(delegate(Type a, Type b) { return string.CompareOrdinal(a.Name, b.Name); });
            int fields = 0;
            foreach (Type t in structs)
            {
                Console.WriteLine("_Static_assert(sizeof(" + t.Name + ") == " + Marshal.SizeOf(t) + ", \"sizeof(" + t.Name + ") is " + Marshal.SizeOf(t) + " in C# (" + t.DeclaringType.Name + ")\");");
                foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    long offset = Marshal.OffsetOf(t, f.Name).ToInt64();
                    Console.WriteLine("_Static_assert(offsetof(" + t.Name + ", " + f.Name + ") == " + offset + ", \"offsetof(" + t.Name + ", " + f.Name + ") is " + offset + " in C#\");");
                    fields++;
                }
            }
            Console.Error.WriteLine("interop-check: " + structs.Count + " structs, " + fields + " fields");
            return 0;
        }

        private static void Collect(Type t, List<Type> structs)
        {
            foreach (Type nested in t.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (nested.IsValueType && !nested.IsEnum && (nested.IsLayoutSequential || nested.IsExplicitLayout)) structs.Add(nested);
                Collect(nested, structs);
            }
        }
    }
}
