"""Who may see a profile field: the four audiences a member chooses from, narrowest last."""

EVERYONE, NETWORKS, COORDINATORS, ONLY_ME = "everyone", "networks", "coordinators", "me"
AUDIENCES = {
    EVERYONE: "Everyone signed in",
    NETWORKS: "People in my networks",
    COORDINATORS: "Only coordinators",
    ONLY_ME: "Only me",
}
# The council area is shown to everyone unless the member chooses otherwise.
AREA_DEFAULT = EVERYONE
