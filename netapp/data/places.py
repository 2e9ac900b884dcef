"""England's nine regions and the councils with adult social care duties in each.

Council boundaries as they stood in 2023.
"""

REGIONS: dict[str, tuple[str, ...]] = {
    "North East": (
        "County Durham", "Darlington", "Gateshead", "Hartlepool", "Middlesbrough",
        "Newcastle upon Tyne", "North Tyneside", "Northumberland", "Redcar and Cleveland",
        "South Tyneside", "Stockton-on-Tees", "Sunderland",
    ),
    "North West": (
        "Blackburn with Darwen", "Blackpool", "Bolton", "Bury", "Cheshire East",
        "Cheshire West and Chester", "Cumberland", "Halton", "Knowsley", "Lancashire",
        "Liverpool", "Manchester", "Oldham", "Rochdale", "Salford", "Sefton", "St Helens",
        "Stockport", "Tameside", "Trafford", "Warrington", "Westmorland and Furness", "Wigan",
        "Wirral",
    ),
    "Yorkshire and the Humber": (
        "Barnsley", "Bradford", "Calderdale", "Doncaster", "East Riding of Yorkshire",
        "Kingston upon Hull", "Kirklees", "Leeds", "North East Lincolnshire",
        "North Lincolnshire", "North Yorkshire", "Rotherham", "Sheffield", "Wakefield", "York",
    ),
    "East Midlands": (
        "Derby", "Derbyshire", "Leicester", "Leicestershire", "Lincolnshire",
        "North Northamptonshire", "West Northamptonshire", "Nottingham", "Nottinghamshire",
        "Rutland",
    ),
    "West Midlands": (
        "Birmingham", "Coventry", "Dudley", "Herefordshire", "Sandwell", "Shropshire",
        "Solihull", "Staffordshire", "Stoke-on-Trent", "Telford and Wrekin", "Walsall",
        "Warwickshire", "Wolverhampton", "Worcestershire",
    ),
    "East of England": (
        "Bedford", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire", "Luton",
        "Norfolk", "Peterborough", "Southend-on-Sea", "Suffolk", "Thurrock",
    ),
    "London": (
        "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden",
        "City of London", "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney",
        "Hammersmith and Fulham", "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow",
        "Islington", "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham",
        "Merton", "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton",
        "Tower Hamlets", "Waltham Forest", "Wandsworth", "Westminster",
    ),
    "South East": (
        "Bracknell Forest", "Brighton and Hove", "Buckinghamshire", "East Sussex", "Hampshire",
        "Isle of Wight", "Kent", "Medway", "Milton Keynes", "Oxfordshire", "Portsmouth",
        "Reading", "Slough", "Southampton", "Surrey", "West Berkshire", "West Sussex",
        "Windsor and Maidenhead", "Wokingham",
    ),
    "South West": (
        "Bath and North East Somerset", "Bournemouth, Christchurch and Poole", "Bristol",
        "Cornwall", "Devon", "Dorset", "Gloucestershire", "Isles of Scilly", "North Somerset",
        "Plymouth", "Somerset", "South Gloucestershire", "Swindon", "Torbay", "Wiltshire",
    ),
}
