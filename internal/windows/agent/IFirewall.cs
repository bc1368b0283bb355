// Windows Defender Firewall's rules, as firewall.rule.* needs them
// (PROTOCOL.md "Firewall rules"): the rules of the local policy
// (INetFwPolicy2.Rules, "INetFwPolicy2 interface", learn.microsoft.com).
// Windows identifies a rule by its name, which need not be unique; the ops
// refuse to act on a name several rules share.
namespace TfWin
{
    /// <summary>A firewall rule: the properties of INetFwRule the ops
    /// read and write ("INetFwRule interface", learn.microsoft.com).</summary>
    public sealed class FirewallRule
    {
        /// <summary>NET_FW_IP_PROTOCOL_TCP.</summary>
        public const int ProtocolTcp = 6;
        /// <summary>NET_FW_RULE_DIR_IN.</summary>
        public const int DirectionIn = 1;
        /// <summary>NET_FW_ACTION_ALLOW.</summary>
        public const int ActionAllow = 1;
        /// <summary>NET_FW_PROFILE2_DOMAIN, _PRIVATE, _PUBLIC, _ALL.</summary>
        public const int ProfileDomain = 1, ProfilePrivate = 2, ProfilePublic = 4, ProfileAll = 0x7FFFFFFF;

        public string Name;
        public string Description;
        public string Grouping;
        public int Protocol;
        /// <summary>LocalPorts: "4207", "4207,4208", "*" for any.</summary>
        public string LocalPorts;
        /// <summary>ApplicationName: the program's full path, or null for any.</summary>
        public string ApplicationName;
        /// <summary>serviceName: the service's short name, null for any.</summary>
        public string ServiceName;
        /// <summary>A NET_FW_PROFILE_TYPE2 bitmask.</summary>
        public int Profiles;
        public int Direction;
        public int Action;
        public bool Enabled;
    }

    public interface IFirewall
    {
        /// <summary>Every rule of the local policy, in the policy's order.</summary>
        FirewallRule[] Rules();

        /// <summary>Adds a rule (INetFwRules.Add); Windows does not refuse a
        /// second rule of the same name: the op checks first.</summary>
        void Add(FirewallRule rule);

        /// <summary>Removes the rule of that name (INetFwRules.Remove).</summary>
        void Remove(string name);
    }
}
