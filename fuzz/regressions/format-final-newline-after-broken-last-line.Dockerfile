FROM mcr.microsoft.com/dotnet/aspnet:5.0
WORKDIR /app
ENTRYPOINTMAINTAINER  ["dotnet", "aspnetapp.dll"]